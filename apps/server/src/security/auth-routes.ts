import type { NextFunction, Request, Response } from 'express';
import type { AccessControl } from './access-control.js';
import { clearedSessionCookie, sessionCookie } from './cookies.js';
import { loginPage } from './login-page.js';
import { refuse } from './refusals.js';

/** A login body is one short secret; anything longer is not a login. */
const MAX_LOGIN_BODY = 4096;

/**
 * GET /login, POST /api/auth/login, POST /api/auth/logout, GET /api/auth/session. Plain express handlers
 * mounted before the auth gate: they are what a caller without a session may reach.
 */
export function authRoutes(access: AccessControl) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      if (req.path === '/login' && (req.method === 'GET' || req.method === 'HEAD')) return showLogin(access, res);
      if (req.path === '/api/auth/session' && req.method === 'GET') {
        res.json({ auth: access.authOn, signedIn: access.identify(req.headers, req.socket.remoteAddress).ok });
        return;
      }
      if (req.path === '/api/auth/login' && req.method === 'POST') return await login(access, req, res);
      if (req.path === '/api/auth/logout' && req.method === 'POST') return logout(access, req, res);
      next();
    } catch (e) {
      next(e);
    }
  };
}

function showLogin(access: AccessControl, res: Response): void {
  if (!access.authOn) return res.redirect(303, '/');
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(loginPage());
}

async function login(access: AccessControl, req: Request, res: Response): Promise<void> {
  const form = !String(req.headers['content-type'] ?? '').includes('application/json');
  if (!access.authOn) return refuse(res, 409, 'sign-in is off: start the studio with LVCD_AUTH_TOKEN or LVCD_PASSWORD to require it');
  // Counted before the secret is compared, so guessing is slow whether or not a guess is right.
  const allowed = access.logins.take(`address:${req.socket.remoteAddress ?? 'unknown'}`);
  if (!allowed.ok) {
    return refuse(res, 429, `too many sign-in attempts from this address; wait ${allowed.retryAfterS} s and try again`, { 'Retry-After': String(allowed.retryAfterS) });
  }
  const secret = await readSecret(req, !form);
  if (secret === undefined) return refuse(res, 400, 'send { "secret": "<token or password>" } as JSON, or the login form (field "secret")');
  if (!access.checkSecret(secret)) {
    if (form) {
      res.status(401).type('html').send(loginPage('That token or password is not right.'));
      return;
    }
    return refuse(res, 401, 'wrong token or password');
  }
  const session = access.sessions.create();
  res.setHeader('Set-Cookie', sessionCookie(session.id, access.settings.sessionTtlMs, req.secure));
  res.setHeader('Cache-Control', 'no-store');
  if (form) return res.redirect(303, '/');
  res.json({ ok: true, expiresAt: new Date(session.expiresAt).toISOString() });
}

function logout(access: AccessControl, req: Request, res: Response): void {
  const caller = access.identify(req.headers, req.socket.remoteAddress);
  if (caller.ok && caller.session) access.sessions.revoke(caller.session);
  res.setHeader('Set-Cookie', clearedSessionCookie(req.secure));
  res.status(204).end();
}

/** The secret from a JSON body `{ secret }` (or `token`/`password`) or an urlencoded form's `secret` field. */
async function readSecret(req: Request, json: boolean): Promise<string | undefined> {
  const text = await readBody(req);
  if (text === undefined) return undefined;
  if (!json) return new URLSearchParams(text).get('secret') ?? undefined;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const value = body?.secret ?? body?.token ?? body?.password;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: Request): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_LOGIN_BODY) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_LOGIN_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
