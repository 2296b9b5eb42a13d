import { describe, expect, it } from 'vitest';
import { parseCookies, sessionCookie } from '../../src/security/cookies.js';
import { HostPolicy, isLoopbackAddress } from '../../src/security/hosts.js';
import { OriginPolicy } from '../../src/security/origin-policy.js';
import { RateLimiter } from '../../src/security/rate-limiter.js';
import { containsSecret, matchesSecret } from '../../src/security/secrets.js';
import { SessionStore } from '../../src/security/session-store.js';

describe('access policies', () => {
  it('knows loopback bind addresses', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) expect(isLoopbackAddress(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '', '192.168.1.5', '10.0.0.1', 'studio.local']) expect(isLoopbackAddress(h), h).toBe(false);
  });

  it('host policy: loopback names, the bind host and LVCD_ALLOWED_HOSTS; nothing else unless auth is on a wildcard', () => {
    const loopback = new HostPolicy('127.0.0.1', [], false);
    expect(loopback.allows('localhost:5580')).toBe(true);
    expect(loopback.allows('[::1]:1')).toBe(true);
    expect(loopback.allows('evil.example:5580')).toBe(false);
    expect(loopback.allows('localhost.evil.example')).toBe(false);
    expect(loopback.allows(undefined)).toBe(false);
    const named = new HostPolicy('192.168.1.5', ['studio.example.com'], true);
    expect(named.allows('192.168.1.5:5580')).toBe(true);
    expect(named.allows('studio.example.com')).toBe(true);
    expect(named.allows('other.example.com')).toBe(false);
    expect(new HostPolicy('0.0.0.0', [], true).allows('whatever.lan:5580')).toBe(true);
    expect(new HostPolicy('0.0.0.0', ['studio.lan'], true).allows('whatever.lan:5580')).toBe(false);
  });

  it('origin policy: same origin, fetch metadata and trusted origins pass; cross-site and opaque do not', () => {
    const policy = new OriginPolicy(['https://trusted.example']);
    const host = '127.0.0.1:5580';
    expect(policy.check({ host })).toEqual({ ok: true });
    expect(policy.check({ host, origin: 'http://127.0.0.1:5580' })).toEqual({ ok: true });
    expect(policy.check({ host, referer: 'http://127.0.0.1:5580/editor' })).toEqual({ ok: true });
    expect(policy.check({ host, 'sec-fetch-site': 'same-origin', origin: 'http://evil.example' })).toEqual({ ok: true });
    expect(policy.check({ host, origin: 'https://trusted.example' })).toEqual({ ok: true });
    expect(policy.check({ host, origin: 'http://127.0.0.1:5581' }).ok).toBe(false);
    // The scheme is not compared: behind a TLS proxy the page is https and the request reaches us as http.
    expect(policy.check({ host, origin: 'https://127.0.0.1:5580' }).ok).toBe(true);
    expect(policy.check({ host: 'studio.example.com', origin: 'https://studio.example.com' }).ok).toBe(true);
    expect(policy.check({ host, origin: 'null' }).ok).toBe(false);
    expect(policy.check({ host, 'sec-fetch-site': 'cross-site' }).ok).toBe(false);
    expect(policy.check({ host, referer: 'not a url' }).ok).toBe(false);
  });

  it('rate limiter: a minute of burst, then refills evenly', () => {
    const limiter = new RateLimiter(3);
    const t = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('a', t).ok)).toEqual([true, true, true]);
    const refused = limiter.take('a', t);
    expect(refused).toEqual({ ok: false, retryAfterS: 20 });
    expect(limiter.take('b', t).ok).toBe(true);
    expect(limiter.take('a', t + 20_000).ok).toBe(true);
    expect(limiter.take('a', t + 20_001).ok).toBe(false);
  });

  it('sessions expire and revoke; cookies parse defensively', () => {
    const store = new SessionStore(1000);
    const { id } = store.create(0);
    expect(store.isValid(id, 999)).toBe(true);
    expect(store.isValid(id, 1000)).toBe(false);
    const second = store.create(0).id;
    store.revoke(second);
    expect(store.isValid(second, 1)).toBe(false);
    expect(parseCookies('a=1; lvcd_session=x%20y; lvcd_session=second; bad; =v; c=%E0')).toEqual(new Map([['a', '1'], ['lvcd_session', 'x y']]));
    expect(sessionCookie('id', 3_600_000, true)).toBe('lvcd_session=id; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure');
  });

  it('secrets compare in constant time over hashes and are found inside documents', () => {
    expect(matchesSecret('correct horse', ['x'.repeat(20), 'correct horse'])).toBe(true);
    expect(matchesSecret('correct hors', ['correct horse'])).toBe(false);
    expect(matchesSecret(undefined, ['correct horse'])).toBe(false);
    expect(matchesSecret('', [''])).toBe(false);
    expect(containsSecret({ meta: { note: 'pw: s3cr3t"quoted' } }, ['s3cr3t"quoted'])).toBe(true);
    expect(containsSecret({ meta: { note: 'nothing' } }, ['s3cr3t'])).toBe(false);
    expect(containsSecret({ a: 1 }, [])).toBe(false);
  });
});
