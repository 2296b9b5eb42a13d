import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSecuritySettings, type SecuritySettings } from '../security/security-settings.js';
import { dataPaths } from './data-paths.js';

/** Everything the server and the CLI read from the environment and flags, resolved once at start. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  modelsDir: string;
  database: DatabaseConfig;
  concurrency: number;
  /** Where runs execute: a worker process the server starts (the default), or the server's own event loop. */
  runsIn: 'worker' | 'server';
  /** How long a cancelled run may take to reach its next step before its worker is killed and replaced. */
  cancelGraceMs: number;
  cacheLimitBytes: number;
  /** How long an opened model bundle nobody uses keeps its memory (sessions, weights) before it is closed. */
  bundleIdleMs: number;
  /** Whether the CPU keeps ONNX Runtime's optimised graphs in the data dir, so a model's next opening skips optimising it. */
  graphCache: boolean;
  /** Video artefacts split into PNG frames for the compare view, least recently used pruned first. */
  compareCacheLimitBytes: number;
  /** Frame sequences the compare view keeps open (zip handles, split state), least recently used closed first. */
  compareOpenSequences: number;
  /** Largest JSON request body, in bytes. */
  jsonBodyLimitBytes: number;
  /** Largest uploaded file, in bytes. */
  uploadLimitBytes: number;
  /** Built editor to serve at `/`, when it exists. */
  editorDir: string;
  /** Auth, host and origin checks, rate and media limits. */
  security: SecuritySettings;
  /**
   * Scale-out mode when set (LVCD_REDIS_URL): runs go on a BullMQ queue in this Redis for `lvcd worker`
   * processes, and events reach every API instance through it. Unset: the embedded worker process.
   */
  redisUrl: string | null;
  /** How long a queue worker's hold on a run lasts without renewal; a worker silent this long is taken as dead. */
  queueLockMs: number;
}

/**
 * Where the records live: the SQLite file in the data dir (the default, nothing to run), or a Postgres
 * server (`LVCD_DATABASE_URL`), which API processes on several machines can share.
 */
export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** Flags that override the environment (from `lvcd serve --host ...` or a test). */
export type ConfigOverrides = Partial<Pick<ServerConfig, 'host' | 'port' | 'dataDir' | 'modelsDir' | 'concurrency'>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** apps/server/src/config or apps/server/dist/config: the repository root is four levels up either way. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

const MB = 1024 * 1024;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): ServerConfig {
  const dataDir = resolve(overrides.dataDir ?? env.LVCD_DATA_DIR ?? resolve(REPO_ROOT, '.data'));
  return {
    // An empty LVCD_HOST means unset: to node it would mean every interface.
    host: overrides.host ?? (env.LVCD_HOST || '127.0.0.1'),
    port: overrides.port ?? integer('LVCD_PORT', env.LVCD_PORT, 5580, 0, 65535),
    dataDir,
    modelsDir: resolve(overrides.modelsDir ?? env.LVCD_MODELS_DIR ?? resolve(dataDir, 'models')),
    database: database(env.LVCD_DATABASE_URL, dataDir),
    concurrency: overrides.concurrency ?? integer('LVCD_CONCURRENCY', env.LVCD_CONCURRENCY, 1, 1, 64),
    runsIn: runsIn(env.LVCD_RUNS_IN),
    cancelGraceMs: integer('LVCD_CANCEL_GRACE_MS', env.LVCD_CANCEL_GRACE_MS, 10_000, 0, 3_600_000),
    cacheLimitBytes: integer('LVCD_CACHE_LIMIT_MB', env.LVCD_CACHE_LIMIT_MB, 2048, 0, 1024 * 1024) * MB,
    bundleIdleMs: integer('LVCD_BUNDLE_IDLE_SECONDS', env.LVCD_BUNDLE_IDLE_SECONDS, 300, 0, 86_400) * 1000,
    graphCache: onOff('LVCD_GRAPH_CACHE', env.LVCD_GRAPH_CACHE, true),
    compareCacheLimitBytes: integer('LVCD_COMPARE_CACHE_MB', env.LVCD_COMPARE_CACHE_MB, 2048, 0, 1024 * 1024) * MB,
    compareOpenSequences: integer('LVCD_COMPARE_OPEN_SEQUENCES', env.LVCD_COMPARE_OPEN_SEQUENCES, 32, 1, 4096),
    jsonBodyLimitBytes: integer('LVCD_JSON_LIMIT_MB', env.LVCD_JSON_LIMIT_MB, 2, 1, 1024) * MB,
    uploadLimitBytes: integer('LVCD_UPLOAD_LIMIT_MB', env.LVCD_UPLOAD_LIMIT_MB, 512, 1, 64 * 1024) * MB,
    editorDir: resolve(env.LVCD_EDITOR_DIR ?? resolve(REPO_ROOT, 'apps/editor/dist')),
    security: loadSecuritySettings(env),
    redisUrl: redisUrl(env.LVCD_REDIS_URL),
    queueLockMs: integer('LVCD_QUEUE_LOCK_MS', env.LVCD_QUEUE_LOCK_MS, 30_000, 1000, 600_000),
  };
}

const DATABASE_URL_FORM = 'postgres://user:password@host:5432/database';

function database(raw: string | undefined, dataDir: string): DatabaseConfig {
  if (raw === undefined || raw === '') return { kind: 'sqlite', file: dataPaths(dataDir).database };
  const problem = `LVCD_DATABASE_URL must look like ${DATABASE_URL_FORM} (unset means the SQLite file in the data dir), not "${withoutPassword(raw)}"`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(problem);
  }
  if ((url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || !url.hostname || url.pathname.length < 2) throw new ConfigError(problem);
  return { kind: 'postgres', url: raw };
}

/** The database as it may be shown in logs and errors: a Postgres URL's password never is. */
export function describeDatabase(database: DatabaseConfig): string {
  return database.kind === 'sqlite' ? `the SQLite file ${database.file}` : `Postgres at ${withoutPassword(database.url)}`;
}

function withoutPassword(raw: string): string {
  // Also for text that does not parse as a URL: all from "user:" to the last "@" counts as the password
  // (hiding too much is harmless, showing part of a password with an unescaped "@" in it is not).
  return raw.replace(/^([^:/?#]+:\/\/[^:@/?#]*:).*@/, '$1***@');
}

function onOff(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on' || raw === 'off') return raw === 'on';
  throw new ConfigError(`${name} must be "on" or "off" (unset means ${fallback ? 'on' : 'off'}), not "${raw}"`);
}

function runsIn(raw: string | undefined): ServerConfig['runsIn'] {
  if (raw === undefined || raw === '' || raw === 'worker') return 'worker';
  if (raw === 'server') return 'server';
  throw new ConfigError(`LVCD_RUNS_IN must be "worker" (a worker process, the default) or "server" (the API's own process), not "${raw}"`);
}

function redisUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`LVCD_REDIS_URL must be a redis:// URL such as redis://127.0.0.1:6379, not "${raw}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigError(`LVCD_REDIS_URL must start with redis:// or rediss://, not "${url.protocol}//"`);
  return raw;
}

export function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return value;
}
