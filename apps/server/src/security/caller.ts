import type { Request } from 'express';

/** The client key the access middleware found for a request (rate and queue limits count per client). */
const callers = new WeakMap<Request, string>();

export function setCaller(req: Request, client: string): void {
  callers.set(req, client);
}

export function callerOf(req: Request): string {
  return callers.get(req) ?? `address:${req.socket.remoteAddress ?? 'unknown'}`;
}
