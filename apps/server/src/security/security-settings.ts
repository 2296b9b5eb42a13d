import { ConfigError, integer } from '../config/config.js';

/** Access and abuse limits, read once from the environment (documented in the README's settings table). */
export interface SecuritySettings {
  /**
   * Secrets that open a session (LVCD_AUTH_TOKEN, LVCD_PASSWORD). Empty means auth is off, which is only
   * allowed while the server listens on a loopback address.
   */
  secrets: string[];
  /** Extra host names the Host header may carry (a reverse proxy's name), besides loopback and the bind host. */
  allowedHosts: string[];
  /** Origins that may call the API cross-origin with credentials; empty (the default) keeps CORS closed. */
  corsOrigins: string[];
  sessionTtlMs: number;
  /** Run submissions a client may make per minute (POST /api/runs and requeue); over it is a 429. */
  runsPerMinute: number;
  /** Runs one client may have waiting in the queue at once. */
  maxQueuedRunsPerClient: number;
  /** Failed logins one address may make per minute before it is refused for the rest of the minute. */
  loginAttemptsPerMinute: number;
  /** Largest width or height of an uploaded image, zip frame or video. */
  maxImageSide: number;
  /** Most frames in an uploaded clip (zip of frames or video). */
  maxFramesPerClip: number;
}

/** Long enough that guessing is hopeless at the login rate limit; short enough to type. */
export const MIN_SECRET_LENGTH = 12;

export function loadSecuritySettings(env: NodeJS.ProcessEnv): SecuritySettings {
  const secrets: string[] = [];
  for (const name of ['LVCD_AUTH_TOKEN', 'LVCD_PASSWORD'] as const) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (value.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`${name} must be at least ${MIN_SECRET_LENGTH} characters (e.g. ${name}=$(openssl rand -hex 24))`);
    }
    secrets.push(value);
  }
  return {
    secrets,
    allowedHosts: list(env.LVCD_ALLOWED_HOSTS).map((h) => h.toLowerCase()),
    corsOrigins: list(env.LVCD_CORS_ORIGINS).map((o) => checkOrigin(o)),
    sessionTtlMs: integer('LVCD_SESSION_HOURS', env.LVCD_SESSION_HOURS, 12, 1, 24 * 365) * 3600_000,
    runsPerMinute: integer('LVCD_RUNS_PER_MINUTE', env.LVCD_RUNS_PER_MINUTE, 120, 1, 1_000_000),
    maxQueuedRunsPerClient: integer('LVCD_MAX_QUEUED_RUNS', env.LVCD_MAX_QUEUED_RUNS, 100, 1, 1_000_000),
    loginAttemptsPerMinute: integer('LVCD_LOGIN_ATTEMPTS_PER_MINUTE', env.LVCD_LOGIN_ATTEMPTS_PER_MINUTE, 10, 1, 10_000),
    maxImageSide: integer('LVCD_MAX_IMAGE_SIDE', env.LVCD_MAX_IMAGE_SIDE, 8192, 16, 65_535),
    maxFramesPerClip: integer('LVCD_MAX_FRAMES', env.LVCD_MAX_FRAMES, 20_000, 1, 20_000),
  };
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** An origin is scheme://host[:port] with nothing after it; anything else would never match a browser's Origin. */
function checkOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`LVCD_CORS_ORIGINS: "${raw}" is not an origin like https://studio.example.com`);
  }
  if (url.origin === 'null' || url.origin !== raw.replace(/\/$/, '').toLowerCase()) {
    throw new ConfigError(`LVCD_CORS_ORIGINS: "${raw}" must be only scheme://host[:port], like https://studio.example.com`);
  }
  return url.origin;
}
