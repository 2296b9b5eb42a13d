// Scale-out mode measured on loopback: a real redis-server and Postgres, two `lvcd serve` API instances and up
// to three `lvcd worker` processes sharing one data dir, as machines sharing a NAS would. Prints
// - throughput of independent runs with 1, 2 and 3 workers, and the ratio to 1 worker;
// - submit-to-start latency p50/p99: POST /api/runs on one instance until `run:started` reaches a socket on the other;
// - worker-to-browser event latency p99 (method printed with the figures);
// - /api/health p99 during an LVCD run, runs in a worker process (embedded default) versus on the API's event
//   loop (LVCD_RUNS_IN=server, as before), by running bench/health-during-run.mjs.
// Needs the built studio (npm run build), redis-server and postgresql (Debian packages; npm test installs them).
// Usage: node bench/scale.mjs [--runs 12] [--wait-ms 2000] [--samples 100] [--health-size 576x320] [--no-health]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { json, startApi, startLvcd, waitForWorkers } from './support/lvcd-cli.mjs';
import { withServices } from './support/services-scratch.mjs';
import { ROOT } from './support/studio.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '12' },
    'wait-ms': { type: 'string', default: '2000' },
    samples: { type: 'string', default: '100' },
    'health-size': { type: 'string', default: '576x320' },
    'no-health': { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const WAIT_MS = Number(values['wait-ms']);
const SAMPLES = Number(values.samples);
const WORKER_COUNTS = [1, 2, 3];

const media = await import(join(ROOT, 'libs/media/dist/index.js'));
const nodes = await import(join(ROOT, 'libs/nodes/dist/index.js'));
const { io } = await import('socket.io-client');

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (v) => `${v.toFixed(1)} ms`;
/** What the bench is doing, on stderr so the figures on stdout stay clean. */
const step = (text) => process.stderr.write(`  .. ${text}\n`);

/** An 8x8 PNG whose first pixel encodes `n`: each run gets an image of its own, so no run is answered from the node cache. */
async function uniqueImage(api, n) {
  const image = media.createRgbImage(8, 8, 255);
  image.data.set([n >> 16, (n >> 8) & 255, n & 255]);
  const form = new FormData();
  form.append('file', new Blob([await media.encodePng(image)], { type: 'image/png' }), `bench-${n}.png`);
  return (await json(`${api.url}/api/assets`, { method: 'POST', body: form })).id;
}

/** Load Image, Delay (waits, no CPU), Save Image. */
function delayWorkflow(imageId, waitMs) {
  const node = (id, type, params) => ({ id, type, params, position: { x: 0, y: 0 } });
  const link = (from, to, input) => ({ from: { node: from, output: 'image' }, to: { node: to, input } });
  return {
    format: nodes.WORKFLOW_FORMAT,
    version: nodes.WORKFLOW_VERSION,
    meta: { name: 'scale bench' },
    nodes: [node('load', 'image/load', { image: imageId }), node('delay', 'utility/delay', { ms: waitMs }), node('save', 'image/save', { name: 'out' })],
    links: [link('load', 'delay', 'image'), link('delay', 'save', 'image')],
  };
}

const submit = async (api, document) => (await json(`${api.url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ document }) })).id;

/** A browser's socket: records when each run:started and run:finished arrives, on both clocks. */
async function watch(api) {
  const socket = io(api.url, { transports: ['websocket'], forceNew: true });
  await new Promise((ok, fail) => socket.once('connect', ok).once('connect_error', fail));
  const seen = { started: new Map(), finished: new Map() };
  const waiting = new Set();
  const record = (kind) => (payload) => {
    seen[kind].set(payload.runId, { at: performance.now(), epoch: Date.now(), status: payload.status });
    for (const w of waiting) w();
  };
  socket.on('run:started', record('started'));
  socket.on('run:finished', record('finished'));
  return {
    seen,
    close: () => socket.close(),
    /** Until every id has an event of `kind`. */
    async until(kind, ids, timeoutMs) {
      const end = Date.now() + timeoutMs;
      while (!ids.every((id) => seen[kind].has(id))) {
        if (Date.now() > end) throw new Error(`${ids.filter((id) => !seen[kind].has(id)).length} runs had no run:${kind} within ${timeoutMs} ms`);
        await new Promise((r) => {
          const wake = () => (waiting.delete(wake), r());
          waiting.add(wake);
          setTimeout(wake, 200);
        });
      }
    },
  };
}

async function checkSucceeded(api, ids) {
  const workers = new Set();
  for (const id of ids) {
    const run = await json(`${api.url}/api/runs/${id}`);
    if (run.status !== 'succeeded') throw new Error(`run ${id} ${run.status}: ${JSON.stringify(run.error)}`);
    for (const a of run.attempts ?? []) workers.add(a.worker);
  }
  return workers;
}

async function scaleOut() {
  return withServices('lvcd-bench-scale-', step, async ({ root, redis, postgres, stops }) => {
    const env = { ...process.env, LVCD_REDIS_URL: redis.url, LVCD_DATABASE_URL: postgres.url, LVCD_DATA_DIR: join(root, 'data'), LVCD_AUTH_TOKEN: '', LVCD_PASSWORD: '', LVCD_RUNS_PER_MINUTE: '100000', LVCD_MAX_QUEUED_RUNS: '100000' };
    delete env.LVCD_HOST;
    // The first instance runs the migrations and seeds the data dir; the second finds both done.
    step('starting 2 API instances');
    const a = await startApi(env);
    stops.unshift(() => a.cli.stop());
    const b = await startApi(env);
    stops.unshift(() => b.cli.stop());
    const socket = await watch(b);
    stops.unshift(async () => socket.close());
    step('uploading one image per run');
    const images = [];
    for (let i = 0; i < RUNS * WORKER_COUNTS.length + SAMPLES; i++) images.push(await uniqueImage(a, i));

    const workers = [];
    const throughput = [];
    for (const count of WORKER_COUNTS) {
      while (workers.length < count) {
        step(`starting worker w${workers.length + 1}`);
        const worker = startLvcd(['worker', '--id', `w${workers.length + 1}`], env);
        stops.unshift(() => worker.stop());
        await worker.waitFor(/taking runs/, 60_000);
        workers.push(worker);
      }
      await waitForWorkers([a, b], count);
      step(`${RUNS} runs on ${count} worker(s)`);
      const started = performance.now();
      const ids = [];
      // Half through each instance, as behind a load balancer.
      for (let i = 0; i < RUNS; i++) ids.push(await submit(i % 2 ? b : a, delayWorkflow(images.shift(), WAIT_MS)));
      await socket.until('finished', ids, 10 * 60_000);
      const last = Math.max(...ids.map((id) => socket.seen.finished.get(id).at));
      const takers = await checkSucceeded(a, ids);
      throughput.push({ count, seconds: (last - started) / 1000, perMinute: (RUNS * 60_000) / (last - started), takers: takers.size });
    }

    // One run at a time, the three workers idle: what a submission costs before its run starts, not queueing.
    step(`${SAMPLES} runs one at a time`);
    const submitToStart = [];
    const workerToBrowser = { started: [], finished: [] };
    let attemptsLate = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const asked = performance.now();
      const id = await submit(a, delayWorkflow(images.shift(), 0));
      await socket.until('finished', [id], 60_000);
      submitToStart.push(socket.seen.started.get(id).at - asked);
      let run = await json(`${a.url}/api/runs/${id}`);
      if (run.status !== 'succeeded') throw new Error(`run ${id} ${run.status}: ${JSON.stringify(run.error)}`);
      // The worker records the attempt without awaiting it before it goes on, so on Postgres the run can end first.
      if (!run.attempts?.length) attemptsLate++;
      for (const end = Date.now() + 10_000; !run.attempts?.length; run = await json(`${a.url}/api/runs/${id}`)) {
        if (Date.now() > end) throw new Error(`run ${id} has no attempt recorded 10 s after it finished`);
        await new Promise((r) => setTimeout(r, 50));
      }
      workerToBrowser.started.push(socket.seen.started.get(id).epoch - run.attempts[0].startedAt);
      workerToBrowser.finished.push(socket.seen.finished.get(id).epoch - Date.parse(run.finishedAt));
    }
    return { throughput, submitToStart, workerToBrowser, attemptsLate };
  });
}

console.log(`Scale-out mode on loopback: real redis-server and Postgres, 2 API instances (lvcd serve), 1 to 3 lvcd worker processes (concurrency 1 each), one shared data dir.`);
console.log(`This machine has 2 cores, so the runs use Delay nodes that wait (${WAIT_MS} ms, no CPU) rather than compute: the figures show the scheduling, not compute scaling.`);
const { throughput, submitToStart, workerToBrowser, attemptsLate } = await scaleOut();

console.log(`\nThroughput: ${RUNS} independent runs (Load Image, Delay ${WAIT_MS} ms, Save Image), each on an image of its own (no cache hits), submitted alternately to both instances`);
console.log(`${'workers'.padEnd(9)}${'drained in'.padStart(12)}${'runs/min'.padStart(10)}${'ideal'.padStart(8)}${'vs 1 worker'.padStart(13)}${'workers used'.padStart(14)}`);
for (const t of throughput) {
  const ideal = (t.count * 60_000) / WAIT_MS;
  console.log(`${String(t.count).padEnd(9)}${`${t.seconds.toFixed(1)} s`.padStart(12)}${t.perMinute.toFixed(1).padStart(10)}${ideal.toFixed(0).padStart(8)}${`${(t.perMinute / throughput[0].perMinute).toFixed(2)}x`.padStart(13)}${String(t.takers).padStart(14)}`);
}

console.log(`\nSubmit-to-start, ${SAMPLES} runs one at a time (3 idle workers): POST /api/runs on instance A until run:started reaches a socket on instance B`);
console.log(`p50 ${ms(percentile(submitToStart, 50))}   p99 ${ms(percentile(submitToStart, 99))}   max ${ms(Math.max(...submitToStart))}`);

console.log(`\nWorker-to-browser event latency, same runs: the worker's own Date.now() stored with the run, against the Date.now() at which the event reaches the socket on instance B (one machine, one clock; ms resolution)`);
console.log(`run:started  (worker stamps the attempt's startedAt, then publishes; path: Redis pub/sub, API instance, Socket.IO)       p50 ${ms(percentile(workerToBrowser.started, 50))}   p99 ${ms(percentile(workerToBrowser.started, 99))}`);
console.log(`(${attemptsLate} of ${SAMPLES} runs had no attempt recorded yet when run:finished arrived: the worker writes it without waiting)`);
console.log(`run:finished (worker stamps finishedAt, writes the run to Postgres, then publishes: includes that write)           p50 ${ms(percentile(workerToBrowser.finished, 50))}   p99 ${ms(percentile(workerToBrowser.finished, 99))}`);

if (!values['no-health']) {
  console.log(`\n/api/health during an LVCD run, embedded mode (SQLite, no Redis): node bench/health-during-run.mjs --size ${values['health-size']}`);
  const child = spawn(process.execPath, [join(ROOT, 'bench/health-during-run.mjs'), '--size', values['health-size']], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise((r) => child.once('exit', r));
  if (code !== 0) process.exitCode = 1;
}
