import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from './postgres.mjs';
import { startRedis } from './redis.mjs';

/**
 * Runs `work` with a fresh scratch folder and a private redis-server and Postgres. `stops` takes what the work
 * starts (unshift what must stop before the servers); all of it is stopped and the folder removed at the end,
 * on Ctrl-C too (Postgres runs detached, so it would outlive the bench).
 */
export async function withServices(prefix, step, work) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const stops = [];
  const cleanUp = async () => {
    for (const stop of stops.splice(0)) await stop().catch((e) => console.error(`cleanup: ${e.message}`));
    rmSync(root, { recursive: true, force: true });
  };
  const interrupted = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    step('starting redis-server and Postgres');
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const postgres = await startPostgres();
    stops.push(() => postgres.stop());
    return await work({ root, redis, postgres, stops });
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await cleanUp();
  }
}
