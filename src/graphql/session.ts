/**
 * A GraphQL-over-WebSocket connection: open it offering one or both subprotocols, say
 * connection_init, wait (bounded) for connection_ack, run operations by id, answer pings, and
 * end with complete/stop for what still runs, then the closing handshake. Built on the public
 * client API only; what arrives is handed to a listener as protocol-neutral events.
 */
import { Buffer } from 'node:buffer';
import {
  type ClientOptions,
  GRAPHQL_TRANSPORT_WS,
  type GraphqlExecutionResult,
  type GraphqlFormattedError,
  type GraphqlOperationPayload,
  type JsonObject,
  WebSocket,
} from '../index.js';
import { type GraphqlProtocolName, isGraphqlProtocol, type WireProtocol, wireProtocol } from './wire-protocol.js';

/** graphql-transport-ws's "Connection initialisation timeout": what we close with when no ack comes in time. */
export const ACK_TIMEOUT_CLOSE_CODE = 4408;
/** graphql-transport-ws's "Bad request": what we close with when the server's message is not valid. */
export const INVALID_MESSAGE_CLOSE_CODE = 4400;

export interface GraphqlSessionOptions {
  url: string;
  /** Socket options (headers, TLS, proxy, heartbeat...); `protocols` is set from `protocols` below. */
  client: ClientOptions;
  /** The subprotocols to offer, in order of preference. */
  protocols: readonly GraphqlProtocolName[];
  initPayload?: JsonObject;
  /** Milliseconds to wait for connection_ack after connection_init. */
  ackTimeoutMs: number;
}

export type OperationState = 'waiting' | 'running' | 'completed' | 'failed' | 'stopped';

export interface Operation {
  id: string;
  /** The name the user gave (/subscribe NAME) or the operation's own name. */
  name: string | undefined;
  payload: GraphqlOperationPayload;
  state: OperationState;
  results: number;
}

/** How the connection ended: the close, and what led to it. */
export interface SessionEnd {
  code: number;
  reason: string;
  /** The subprotocol agreed ('' when none was, or the connection never opened). */
  subprotocol: string;
  /** The connection never opened: why. */
  connectError?: Error;
  /** We gave up waiting for connection_ack. */
  ackTimedOut: boolean;
  /** We closed because the server sent a message that is not valid (4400). */
  invalidMessage?: string;
  /** The legacy server refused connection_init (connection_error). */
  refused?: string;
  /** wscope failed the WebSocket connection (a frame broke RFC 6455). */
  protocolError: boolean;
}

export interface GraphqlSessionListener {
  /** A socket was created (the first, or the fallback's): for views of its traffic. */
  connecting?(socket: WebSocket): void;
  /** `from` was agreed, then closed with `code` before connection_ack: trying `to` alone. */
  fallback?(from: GraphqlProtocolName, code: number, to: GraphqlProtocolName): void;
  /** Open, subprotocol agreed (or assumed: `assumed` is true when the server named none). */
  open?(protocol: GraphqlProtocolName, assumed: boolean): void;
  ack?(payload: JsonObject | null | undefined): void;
  result?(operation: Operation, result: GraphqlExecutionResult): void;
  error?(operation: Operation, errors: GraphqlFormattedError[]): void;
  complete?(operation: Operation): void;
  /** A message for an id that is not running, or of a type a server does not send. */
  stray?(text: string): void;
  end?(end: SessionEnd): void;
}

/** RFC 6455 §5.5: a control frame's payload is at most 125 bytes, 2 of them the code. */
function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}

export class GraphqlSession {
  readonly operations = new Map<string, Operation>();
  /** Resolves when the connection is over. */
  readonly finished: Promise<SessionEnd>;
  private socket: WebSocket | undefined;
  private wire: WireProtocol | undefined;
  private acknowledged = false;
  private userClosed = false;
  private ackTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private ending: Omit<SessionEnd, 'code' | 'reason' | 'subprotocol'> = { ackTimedOut: false, protocolError: false };
  private resolve!: (end: SessionEnd) => void;

  constructor(
    private readonly options: GraphqlSessionOptions,
    private readonly listener: GraphqlSessionListener = {},
  ) {
    this.finished = new Promise((resolve) => (this.resolve = resolve));
  }

  get protocol(): GraphqlProtocolName | undefined {
    return this.wire?.name;
  }

  get isAcknowledged(): boolean {
    return this.acknowledged;
  }

  start(): void {
    this.open(this.options.protocols);
  }

  private open(protocols: readonly GraphqlProtocolName[]): void {
    const socket = new WebSocket(this.options.url, { ...this.options.client, protocols: [...protocols] });
    this.socket = socket;
    this.listener.connecting?.(socket);
    socket.on('error', (error: Error) => {
      if (error.name === 'ProtocolError') this.ending.protocolError = true;
    });
    socket.on('open', () => this.opened(socket));
    socket.on('message', (data: Buffer, binary: boolean) => this.received(binary ? undefined : data.toString('utf8')));
    socket.on('close', (code: number, reason: string) => {
      if (this.ackTimer) clearTimeout(this.ackTimer);
      const fallback = this.fallbackAfter(socket, code, protocols);
      if (fallback) {
        this.listener.fallback?.(socket.protocol as GraphqlProtocolName, code, fallback);
        this.wire = undefined;
        this.open([fallback]);
        return;
      }
      for (const operation of this.operations.values()) if (operation.state === 'running' || operation.state === 'waiting') operation.state = 'stopped';
      const end: SessionEnd = {
        code,
        reason,
        subprotocol: socket.protocol,
        ...this.ending,
        ...(socket.connectError && { connectError: socket.connectError }),
      };
      this.listener.end?.(end);
      this.resolve(end);
    });
  }

  /**
   * Offered both, the server agreed graphql-transport-ws and closed before any connection_ack:
   * a legacy server on a `ws` that agrees the first subprotocol offered, whatever it is
   * (subscriptions-transport-ws then closes with 1002), or one that says 4406 / 4400. Then the
   * other subprotocol is offered alone, once.
   */
  private fallbackAfter(socket: WebSocket, code: number, offered: readonly GraphqlProtocolName[]): GraphqlProtocolName | undefined {
    if (this.acknowledged || this.userClosed || socket.connectError || offered.length < 2) return undefined;
    if (socket.protocol !== GRAPHQL_TRANSPORT_WS || ![1002, 4400, 4406].includes(code)) return undefined;
    return offered.find((name) => name !== GRAPHQL_TRANSPORT_WS);
  }

  /** Run an operation: now when acknowledged, else as soon as connection_ack arrives. */
  subscribe(payload: GraphqlOperationPayload, name?: string): Operation {
    const id = String(this.nextId++);
    const operation: Operation = { id, name: name ?? payload.operationName ?? undefined, payload, state: 'waiting', results: 0 };
    this.operations.set(id, operation);
    if (this.acknowledged) this.begin(operation);
    return operation;
  }

  /** Stop a running operation (complete / stop); false when no such operation runs. */
  stop(id: string): boolean {
    const operation = this.operations.get(id);
    if (!operation || (operation.state !== 'running' && operation.state !== 'waiting')) return false;
    if (operation.state === 'running') this.send(this.wire!.stop(id));
    operation.state = 'stopped';
    return true;
  }

  /** Every operation still running stopped (complete / stop sent), the legacy goodbye, then the closing handshake. */
  close(code = 1000, reason = ''): void {
    this.userClosed = true;
    const socket = this.socket;
    if (!socket) return;
    if (socket.readyState === WebSocket.CONNECTING) {
      socket.terminate();
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    for (const id of this.operations.keys()) this.stop(id);
    const goodbye = this.wire?.goodbye();
    if (goodbye) this.send(goodbye);
    socket.close(code, closeReason(reason));
  }

  private opened(socket: WebSocket): void {
    const agreed = socket.protocol;
    // A server that names no subprotocol gets the first one offered: some servers answer without echoing it.
    const name = isGraphqlProtocol(agreed) ? agreed : this.options.protocols[0]!;
    this.wire = wireProtocol(name);
    this.listener.open?.(name, !isGraphqlProtocol(agreed));
    this.send(this.wire.init(this.options.initPayload));
    this.ackTimer = setTimeout(() => {
      this.ending.ackTimedOut = true;
      this.close(ACK_TIMEOUT_CLOSE_CODE, 'Connection acknowledgement timeout');
    }, this.options.ackTimeoutMs);
  }

  private received(text: string | undefined): void {
    const wire = this.wire;
    if (!wire) return;
    const event = text === undefined ? { kind: 'invalid' as const, reason: 'a binary message (the protocol is JSON text)' } : wire.receive(text);
    switch (event.kind) {
      case 'ack':
        if (this.acknowledged) return;
        this.acknowledged = true;
        if (this.ackTimer) clearTimeout(this.ackTimer);
        this.listener.ack?.(event.payload);
        for (const operation of this.operations.values()) if (operation.state === 'waiting') this.begin(operation);
        return;
      case 'ping': {
        const pong = wire.pong(event.payload);
        if (pong) this.send(pong);
        return;
      }
      case 'keepalive':
        return;
      case 'refused':
        this.ending.refused = event.message;
        this.close(1000);
        return;
      case 'invalid':
        this.ending.invalidMessage = event.reason;
        this.close(INVALID_MESSAGE_CLOSE_CODE, event.reason);
        return;
      case 'unexpected':
        this.listener.stray?.(text!);
        return;
    }
    const operation = this.operations.get(event.id);
    if (operation?.state !== 'running') {
      this.listener.stray?.(text!);
      return;
    }
    switch (event.kind) {
      case 'result':
        operation.results++;
        this.listener.result?.(operation, event.result);
        return;
      case 'error':
        operation.state = 'failed';
        this.listener.error?.(operation, event.errors);
        return;
      case 'complete':
        operation.state = 'completed';
        this.listener.complete?.(operation);
        return;
    }
  }

  private begin(operation: Operation): void {
    operation.state = 'running';
    this.send(this.wire!.start(operation.id, operation.payload));
  }

  private send(text: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(text);
  }
}
