import type { Buffer } from 'node:buffer';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { HandshakeError } from '../protocol/errors.js';
import { pathOf, sendRefusal } from './server-handshake.js';

/** A WebSocketServer attached to an http.Server: the path it serves (undefined: every path) and its handler. */
export interface UpgradeRoute {
  readonly path: string | undefined;
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * One 'upgrade' listener per http.Server, shared by every WebSocketServer attached to it, so
 * that several with different paths can share a server: each request goes to the one serving
 * its path (or else to one serving every path). A request none of them claims is left to any
 * other 'upgrade' listener the application added; with none, it is answered 404 here, so a
 * client never waits for an answer that nobody will write.
 */
class UpgradeRouter {
  private readonly routes: UpgradeRoute[] = [];
  private readonly listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => this.dispatch(req, socket, head);

  constructor(private readonly server: HttpServer) {
    server.on('upgrade', this.listener);
  }

  add(route: UpgradeRoute): void {
    this.routes.push(route);
  }

  /** Returns true when this was the last route: the listener is gone and the router done. */
  remove(route: UpgradeRoute): boolean {
    const index = this.routes.indexOf(route);
    if (index !== -1) this.routes.splice(index, 1);
    if (this.routes.length > 0) return false;
    this.server.off('upgrade', this.listener);
    return true;
  }

  private dispatch(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = pathOf(req.url ?? '/');
    const route = this.routes.find((r) => r.path === path) ?? this.routes.find((r) => r.path === undefined);
    if (route) {
      route.handle(req, socket, head);
      return;
    }
    if (this.server.listenerCount('upgrade') > 1) return;
    socket.on('error', destroy);
    sendRefusal(socket, new HandshakeError('WS_ERR_NOT_FOUND', 404, `no WebSocket endpoint at ${path}`));
  }
}

const routers = new WeakMap<HttpServer, UpgradeRouter>();

/** Serve `route` on `server`'s upgrades; the function returned takes it off again (idempotent). */
export function attachRoute(server: HttpServer, route: UpgradeRoute): () => void {
  let router = routers.get(server);
  if (!router) {
    router = new UpgradeRouter(server);
    routers.set(server, router);
  }
  router.add(route);
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    if (router.remove(route)) routers.delete(server);
  };
}

function destroy(this: Duplex): void {
  this.destroy();
}
