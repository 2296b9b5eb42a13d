/** The request headers the origin checks read (an express request and a socket handshake both have them). */
export interface OriginHeaders {
  host?: string | undefined;
  origin?: string | undefined;
  referer?: string | undefined;
  'sec-fetch-site'?: string | undefined;
}

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

/**
 * CSRF and cross-origin defence without any token the editor must send. A browser marks every request a
 * page makes with Sec-Fetch-Site, or at least Origin (always on a cross-origin POST and on a WebSocket),
 * so a request that a browser sends on behalf of another site is recognised and refused. A request with
 * none of these headers is not from a browser page (curl, the CLI, tests): nothing to forge there, and
 * when auth is on it still needs the session or the token.
 */
export class OriginPolicy {
  private readonly trusted: ReadonlySet<string>;

  constructor(corsOrigins: readonly string[]) {
    this.trusted = new Set(corsOrigins);
  }

  /** Whether an origin may call cross-origin (LVCD_CORS_ORIGINS). */
  isTrusted(origin: string | undefined): boolean {
    return origin !== undefined && this.trusted.has(origin);
  }

  check(h: OriginHeaders): OriginVerdict {
    const site = h['sec-fetch-site'];
    if (site === 'same-origin' || site === 'none') return { ok: true };
    const origin = h.origin ?? originOfReferer(h.referer);
    if (origin === undefined) {
      if (site === undefined) return { ok: true };
      return { ok: false, reason: `a ${site} request without an Origin header` };
    }
    if (origin === 'null') return { ok: false, reason: 'a request from an opaque origin (Origin: null)' };
    if (this.isTrusted(origin)) return { ok: true };
    if (sameAuthority(origin, h.host)) return { ok: true };
    return { ok: false, reason: `a cross-origin request from ${origin.slice(0, 100)}` };
  }
}

function originOfReferer(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * The origin names the host and port the request was sent to (what the Host header says). The scheme is
 * not compared: behind a TLS-terminating proxy the page is https while the request reaches us as http.
 */
function sameAuthority(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
