// The worker process: executes runs for the server that forked it, so model work never blocks the API.
import { detectProvider, deviceMemory, openBundleHashes } from '@lvcd/models';
import { freemem } from 'node:os';
import { dataPaths } from '../config/data-paths.js';
import { createRuntime } from '../runtime/runtime.js';
import { SERVER_VERSION } from '../version.js';
import { decodeForPeer } from './decode-for-peer.js';
import { ChildDecodeOffload } from './decode-offload.js';
import { executeJob } from './execute-job.js';
import { FrameSpool } from './frame-spool.js';
import { HEARTBEAT_MS, SETTINGS_ENV, type DecodeChunkRequest, type FromWorker, type ToWorker, type WorkerSettings } from './protocol.js';

const send = process.send?.bind(process);
if (!send) {
  console.error('the LVCD worker is started by the server (lvcd serve), not by hand');
  process.exit(2);
}
// After the server closed the channel, the worker is on its way out: nothing more to tell.
const post = (message: FromWorker) => void (process.connected && send(message));

// A server that goes away (stopped or killed) records nothing any more: stop with it. The closed channel says
// so; a parent pid that changed (re-parented to init) says so too, should the channel's end outlive the server.
process.on('disconnect', () => process.exit(0));
const serverPid = process.ppid;

const settings = JSON.parse(process.env[SETTINGS_ENV] ?? 'null') as WorkerSettings | null;
if (!settings) throw new Error(`${SETTINGS_ENV} is not set`);
const runtime = await createRuntime(settings);
const paths = dataPaths(settings.dataDir);
const spool = new FrameSpool(paths.spool);
const folders = { dataDir: settings.dataDir, modelsDir: settings.modelsDir };
const offload = settings.offloadDecode ? new ChildDecodeOffload({ ...folders, decodeDir: paths.decode }, (request) => post({ type: 'offload', request })) : undefined;
const running = new Map<string, AbortController>();
/** Runs whose outcome the server has not recorded yet; the cache is pruned only when there are none. */
const unreleased = new Set<string>();

function run(job: ToWorker & { type: 'run' }): void {
  const { runId } = job.job;
  const controller = new AbortController();
  running.set(runId, controller);
  unreleased.add(runId);
  const deps = offload ? { ...runtime, decodeOffload: offload.forRun(runId) } : runtime;
  void executeJob(job.job, deps, controller.signal, (event) => post({ type: 'event', runId, event }), spool.packer(runId)).then((outcome) => {
    running.delete(runId);
    post({ type: 'ended', runId, outcome });
  });
}

function release(runId: string): void {
  unreleased.delete(runId);
  // Every artefact is linked out of the cache by now, so any entry may go.
  if (unreleased.size === 0) void runtime.cache.prune().catch((e: unknown) => console.warn(`cache prune failed: ${String(e)}`));
}

/** Another worker's decode chunk: decoded here between this worker's own steps. */
function decode(request: DecodeChunkRequest): void {
  void decodeForPeer(request, folders).then(
    () => post({ type: 'decoded', id: request.id }),
    (e: unknown) => post({ type: 'decoded', id: request.id, error: e instanceof Error ? e.message : String(e) }),
  );
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'run') run(message);
  else if (message.type === 'cancel') running.get(message.runId)?.abort();
  else if (message.type === 'release') release(message.runId);
  else if (message.type === 'decode') decode(message.request);
  else if (message.type === 'offloaded') offload?.answered(message.id, message.answer);
});

const provider = await detectProvider('auto');

async function heartbeat(): Promise<void> {
  if (process.ppid !== serverPid) process.exit(0);
  const device = (await deviceMemory(provider)) ?? null;
  post({ type: 'heartbeat', rssBytes: process.memoryUsage.rss(), freeMemoryBytes: freemem(), device, bundles: openBundleHashes() });
}

setInterval(() => void heartbeat(), HEARTBEAT_MS);
post({ type: 'ready', pid: process.pid, provider, version: SERVER_VERSION });
