import type { IncomingHttpHeaders } from 'node:http';
import type { SecuritySettings } from './security-settings.js';
import { parseCookies, SESSION_COOKIE } from './cookies.js';
import { HostPolicy } from './hosts.js';
import { OriginPolicy, type OriginVerdict } from './origin-policy.js';
import { RateLimiter } from './rate-limiter.js';
import { matchesSecret } from './secrets.js';
import { SessionStore } from './session-store.js';

/** Who a request comes from: a session, the bearer token, or (auth off) its address. Rate limits count per client. */
export type Caller = { ok: true; client: string; session?: string } | { ok: false };

/**
 * Every access decision of one server, shared by the HTTP middleware and the Socket.IO gateway so both
 * apply the same rules: Host, Origin, session or token.
 */
export class AccessControl {
  readonly authOn: boolean;
  readonly hosts: HostPolicy;
  readonly origins: OriginPolicy;
  readonly sessions: SessionStore;
  readonly logins: RateLimiter;
  readonly runSubmissions: RateLimiter;

  constructor(
    readonly settings: SecuritySettings,
    bindHost: string,
  ) {
    this.authOn = settings.secrets.length > 0;
    this.hosts = new HostPolicy(bindHost, settings.allowedHosts, this.authOn);
    this.origins = new OriginPolicy(settings.corsOrigins);
    this.sessions = new SessionStore(settings.sessionTtlMs);
    this.logins = new RateLimiter(settings.loginAttemptsPerMinute);
    this.runSubmissions = new RateLimiter(settings.runsPerMinute);
  }

  checkSecret(presented: unknown): boolean {
    return matchesSecret(presented, this.settings.secrets);
  }

  /** Host and Origin both acceptable; `stateChanging` adds the CSRF check (always on for socket handshakes). */
  checkRequest(headers: IncomingHttpHeaders, stateChanging: boolean): OriginVerdict {
    if (!this.hosts.allows(headers.host)) {
      return { ok: false, reason: `the Host header "${String(headers.host ?? '').slice(0, 100)}" is not a name this server answers to (add it to LVCD_ALLOWED_HOSTS if you reach the studio by that name)` };
    }
    if (!stateChanging) return { ok: true };
    const verdict = this.origins.check({
      host: headers.host,
      origin: headers.origin,
      referer: headers.referer,
      'sec-fetch-site': header(headers['sec-fetch-site']),
    });
    return verdict.ok ? verdict : { ok: false, reason: `${verdict.reason} was refused (cross-site request forgery protection); open the studio at its own address` };
  }

  /** The caller, from the session cookie or `Authorization: Bearer <token>`; with auth off everyone is a caller. */
  identify(headers: IncomingHttpHeaders, address: string | undefined): Caller {
    const session = parseCookies(headers.cookie).get(SESSION_COOKIE);
    if (this.sessions.isValid(session)) return { ok: true, client: `session:${session!.slice(0, 16)}`, session: session! };
    const auth = headers.authorization;
    if (auth?.startsWith('Bearer ') && this.checkSecret(auth.slice(7).trim())) return { ok: true, client: 'token' };
    if (!this.authOn) return { ok: true, client: `address:${address ?? 'unknown'}` };
    return { ok: false };
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
