import type { NextFunction, Request, Response } from 'express';
import type { AccessControl } from './access-control.js';
import { setCaller } from './caller.js';
import { refuse, SIGN_IN_HINT } from './refusals.js';
import { containsSecret } from './secrets.js';

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const API = /^\/api(\/|$)/;

/** Headers that keep the studio out of frames (clickjacking) and stop type sniffing on every answer. */
export function hardeningHeaders(): Middleware {
  return (_req, res, next) => {
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  };
}

/**
 * Host (DNS rebinding) and Origin (CSRF) checks. Cross-site reads of the API are refused too (Fetch
 * Metadata), so another site cannot even embed an artefact; CORS answers only the configured origins.
 */
export function originGuard(access: AccessControl): Middleware {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && access.origins.isTrusted(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization');
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    const crossSiteRead = API.test(req.path) && req.headers['sec-fetch-site'] === 'cross-site' && !access.origins.isTrusted(origin);
    const verdict = access.checkRequest(req.headers, !SAFE_METHODS.has(req.method) || crossSiteRead);
    if (!verdict.ok) return refuse(res, 403, verdict.reason);
    next();
  };
}

/** With auth on, everything past the sign-in routes needs a session or the token: 401 for the API, /login for pages. */
export function authGate(access: AccessControl): Middleware {
  return (req, res, next) => {
    const caller = access.identify(req.headers, req.socket.remoteAddress);
    if (caller.ok) {
      setCaller(req, caller.client);
      return next();
    }
    if (!API.test(req.path) && (req.method === 'GET' || req.method === 'HEAD')) return res.redirect(302, '/login');
    refuse(res, 401, `not signed in: ${SIGN_IN_HINT}`, { 'WWW-Authenticate': 'Bearer realm="lvcd"' });
  };
}

/** Run submissions per client per minute (LVCD_RUNS_PER_MINUTE): a 429 that says when to try again. */
export function runRateLimit(access: AccessControl, callerKey: (req: Request) => string): Middleware {
  const submits = /^\/api\/runs(\/[^/]+\/requeue)?\/?$/;
  return (req, res, next) => {
    if (req.method !== 'POST' || !submits.test(req.path)) return next();
    const verdict = access.runSubmissions.take(callerKey(req));
    if (verdict.ok) return next();
    const limit = access.settings.runsPerMinute;
    refuse(res, 429, `too many run submissions: at most ${limit} a minute per client; wait ${verdict.retryAfterS} s and submit again (LVCD_RUNS_PER_MINUTE sets the limit)`, {
      'Retry-After': String(verdict.retryAfterS),
    });
  };
}

/** Runs after the JSON parser: a workflow that carries the server's token or password is refused, never stored. */
export function secretScan(access: AccessControl): Middleware {
  const writes = /^\/api\/(workflows|runs)(\/|$)/;
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || !writes.test(req.path) || !containsSecret(req.body, access.settings.secrets)) return next();
    refuse(res, 400, "the request holds the studio's access token or password; remove it: secrets are never stored in workflows or outputs");
  };
}
