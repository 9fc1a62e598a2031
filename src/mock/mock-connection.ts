/**
 * One client of the mock, played from the file: the onConnect messages, the pushes on their
 * schedules, a reply for each message (the first rule that matches), the ending. The route is
 * looked up again for every message, so after a reload new rules apply to the next message.
 */
import type { Buffer } from 'node:buffer';
import { Variables } from '../templating/index.js';
import { ECHO, type Action, type Ending, type MockConfig, type Route, type Rule, type Send } from './mock-config.js';
import type { MockClient, Report } from './mock-events.js';
import { incomingScope, type Incoming, readIncoming } from './incoming.js';
import { renderMessage, type Outgoing } from './render-message.js';
import { endConnection, sendFragmented } from './wire-faults.js';

/** What a connection needs of the server: the script now being served. */
export interface ConnectionHost {
  config(): MockConfig;
  routeFor(path: string): Route | undefined;
  readonly report: Report;
  /** Chance source for drop: (injectable for tests; default Math.random). */
  readonly random: () => number;
}

export class MockConnection {
  private readonly timers = new Set<NodeJS.Timeout>();
  private pushTimers: NodeJS.Timeout[] = [];
  private received = 0;
  private ended = false;
  /** One per connection, so `{{$seq}}` counts 1, 2, 3... for each client, across reloads. */
  private readonly variables = Variables.create();

  constructor(
    readonly client: MockClient,
    private readonly host: ConnectionHost,
  ) {
    client.socket.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    client.socket.on('close', () => this.stop());
  }

  /** The connection is open: greet, start the pushes, and end at once for `closeAfter: { messages: 0 }`. */
  start(): void {
    const route = this.route();
    if (!route) return;
    for (const send of route.onConnect) this.send(send, undefined);
    this.startPushes(route);
    if (route.closeAfter?.messages === 0) this.end(route.closeAfter.ending, 'closeAfter: 0 messages', maxDelay(route.onConnect));
  }

  /** The file changed: the pushes follow the new version (onConnect is not sent again). */
  reloaded(): void {
    for (const timer of this.pushTimers) clearInterval(timer);
    this.pushTimers = [];
    const route = this.route();
    if (route) this.startPushes(route);
  }

  private route(): Route | undefined {
    return this.host.routeFor(this.client.request.path);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    this.received++;
    const route = this.route();
    const incoming = readIncoming(data, isBinary);
    const rule = route?.rules.find((candidate) => candidate.matcher.match(incoming).ok);
    if (!rule) this.host.report({ type: 'unmatched', client: this.client });
    const action = rule?.action ?? route?.unmatched;
    let delay = 0;
    if (action) delay = this.run(action, incoming, rule ? `the rule at ${rule.place}` : `unmatched: at ${route?.place}`, rule);
    const closeAfter = route?.closeAfter;
    if (closeAfter && this.received === closeAfter.messages) this.end(closeAfter.ending, `closeAfter: ${closeAfter.messages} messages`, delay);
  }

  /** The replies, then the ending; returns how long until the last of them. */
  private run(action: Action, incoming: Incoming, why: string, rule: Rule | undefined): number {
    for (const reply of action.replies) this.send(reply, { incoming, regex: rule?.regex });
    if (action.ending) this.end(action.ending, why, action.endingDelayMs);
    return Math.max(action.endingDelayMs, maxDelay(action.replies));
  }

  private startPushes(route: Route): void {
    for (const push of route.pushes) {
      let sent = 0;
      const timer = setInterval(() => {
        this.send(push.send, undefined);
        if (push.times !== undefined && ++sent >= push.times) clearInterval(timer);
      }, push.intervalMs);
      this.pushTimers.push(timer);
    }
  }

  private send(send: Send, context: IncomingContext | undefined): void {
    let message: Outgoing;
    try {
      message =
        send.message === ECHO && context
          ? { payload: context.incoming.data, binary: context.incoming.binary }
          : renderMessage(send, this.scope(context), this.host.config());
    } catch (error) {
      this.host.report({ type: 'problem', client: this.client, error: error as Error });
      return;
    }
    this.later(send.delayMs, () => {
      const { socket } = this.client;
      if (socket.readyState !== socket.OPEN) return;
      if (send.dropChance > 0 && this.host.random() < send.dropChance) {
        this.host.report({ type: 'dropped', client: this.client, message });
        return;
      }
      if (send.fragmentBytes === undefined) {
        socket.send(message.payload, { binary: message.binary });
        this.host.report({ type: 'sent', client: this.client, message, delayedMs: send.delayMs });
        return;
      }
      const frames = sendFragmented(socket, message, send.fragmentBytes);
      this.host.report({ type: 'sent', client: this.client, message, frames, delayedMs: send.delayMs });
    });
  }

  /** The file's environment (as of now: it follows reloads), the connection, the message being answered. */
  private scope(context: IncomingContext | undefined): Variables {
    const { socket, request, id } = this.client;
    const query = Object.fromEntries(new URL(request.url, 'ws://mock').searchParams);
    return this.variables.with({
      ...this.host.config().environment,
      connection: { id, path: request.path, query, protocol: socket.protocol, received: this.received },
      ...(context && incomingScope(context.incoming, context.regex)),
    });
  }

  private end(ending: Ending, why: string, delayMs: number): void {
    this.later(delayMs, () => {
      if (this.ended) return;
      this.ended = true;
      this.host.report({ type: 'ending', client: this.client, ending, why });
      endConnection(this.client.socket, ending);
    });
  }

  private later(delayMs: number, work: () => void): void {
    if (delayMs <= 0) {
      work();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, delayMs);
    this.timers.add(timer);
  }

  private stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    for (const timer of this.pushTimers) clearInterval(timer);
    this.timers.clear();
    this.pushTimers = [];
  }
}

interface IncomingContext {
  incoming: Incoming;
  regex: RegExp | undefined;
}

function maxDelay(sends: readonly Send[]): number {
  return sends.reduce((max, send) => Math.max(max, send.delayMs), 0);
}
