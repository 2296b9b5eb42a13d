import { isIP } from 'node:net';

/** Names and addresses that always mean this machine. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether a bind address only accepts connections from this machine. */
export function isLoopbackAddress(host: string): boolean {
  const h = bare(host.toLowerCase());
  if (LOOPBACK_NAMES.has(h)) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '0:0:0:0:0:0:0:1';
}

/** Whether a bind address listens on every interface. */
export function isWildcardAddress(host: string): boolean {
  const h = bare(host);
  return h === '0.0.0.0' || h === '::' || h === '' || h === '0:0:0:0:0:0:0:0';
}

/**
 * The host name of a Host header or an origin's authority (`example.com:80`, `[::1]:5580`), lower-cased and
 * without brackets or port; undefined when it is not a plausible host.
 */
export function hostnameOf(authority: string | undefined): string | undefined {
  if (!authority || authority.length > 300) return undefined;
  try {
    const url = new URL(`http://${authority}`);
    // A userinfo or path means the header was not a bare host[:port].
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    return bare(url.hostname);
  } catch {
    return undefined;
  }
}

function bare(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Which Host names the server answers to. DNS rebinding points an attacker's name at 127.0.0.1, so the
 * browser sends `Host: attacker.example`: refusing unknown names stops it even though the socket is loopback.
 * The port is not compared: the editor's dev server proxies with its own port in Host, and a rebinding
 * attack is already stopped by the name.
 */
export class HostPolicy {
  private readonly names: Set<string>;
  /** No list to check: auth is on and the server listens on every interface under whatever names reach it. */
  private readonly open: boolean;

  constructor(bindHost: string, allowedHosts: readonly string[], authOn: boolean) {
    this.names = new Set([...LOOPBACK_NAMES, ...allowedHosts.map((h) => hostnameOf(h) ?? h)]);
    if (!isWildcardAddress(bindHost)) this.names.add(bare(bindHost.toLowerCase()));
    this.open = authOn && isWildcardAddress(bindHost) && allowedHosts.length === 0;
  }

  allows(hostHeader: string | undefined): boolean {
    const name = hostnameOf(hostHeader);
    if (name === undefined) return false;
    return this.open || this.names.has(name) || (isIP(name) === 4 && name.startsWith('127.'));
  }
}
