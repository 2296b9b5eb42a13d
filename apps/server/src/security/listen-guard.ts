import { ConfigError, type ServerConfig } from '../config/config.js';
import { isLoopbackAddress } from './hosts.js';

/**
 * Exposed node-graph servers get taken over within hours, so listening beyond this machine without a
 * secret is refused outright, with the way to set one.
 */
export function assertListenAllowed(config: ServerConfig): void {
  if (isLoopbackAddress(config.host) || config.security.secrets.length > 0) return;
  const where = config.host === '' ? 'every interface' : config.host;
  throw new ConfigError(
    [
      `refusing to listen on ${where} without authentication: anyone who can reach this address could run workflows on this machine.`,
      'Set an access token (or a password) first, e.g.',
      `  LVCD_AUTH_TOKEN=$(openssl rand -hex 24) lvcd serve --host ${config.host || '0.0.0.0'}`,
      'then open /login in the browser and paste the token; or keep the default --host 127.0.0.1.',
    ].join('\n'),
  );
}

/** One line for the start-up log saying how the studio is protected. */
export function accessSummary(config: ServerConfig): string {
  if (config.security.secrets.length > 0) return 'sign-in required (LVCD_AUTH_TOKEN / LVCD_PASSWORD): open /login';
  return 'loopback only, no sign-in (set LVCD_AUTH_TOKEN or LVCD_PASSWORD to require one, and to listen on other addresses)';
}
