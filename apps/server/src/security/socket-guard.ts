import type { Socket } from 'socket.io';
import type { AccessControl } from './access-control.js';
import { SIGN_IN_HINT } from './refusals.js';

type SocketMiddleware = (socket: Socket, next: (err?: Error) => void) => void;

/**
 * Socket.IO connections pass the same checks as HTTP: Host, Origin (a WebSocket is not bound by CORS, so a
 * page on another site could otherwise open one to loopback), and the session cookie or token when auth is
 * on. The refusal reaches the client as `connect_error` with the message.
 */
export function socketGuard(access: AccessControl): SocketMiddleware {
  return (socket, next) => {
    const { headers, address } = socket.handshake;
    const verdict = access.checkRequest(headers, true);
    if (!verdict.ok) return next(new Error(verdict.reason));
    const token = socket.handshake.auth?.token;
    const withToken = typeof token === 'string' && !headers.authorization ? { ...headers, authorization: `Bearer ${token}` } : headers;
    if (!access.identify(withToken, address).ok) return next(new Error(`not signed in: ${SIGN_IN_HINT}`));
    next();
  };
}
