// On-demand benchmark: one denoiser step on the tiny golden call (19 positions, 8x16 latents, CPU), the ControlNet's
// hint encoder inside the graph (bundle format 1) against the denoiser fed the encoded hint (format 2) with the hint
// encoder as its own graph, alternating in one process so both see the same machine load. Prints the fastest and
// the median of each: a step of each form, and the hint encoder alone (once per window in format 2).
// Needs built libs (npx tsc -p libs/models/tsconfig.json). Usage: node bench/denoiser-step.mjs [--rounds N]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const m = { ...(await import(join(repoRoot, 'libs/models/dist/index.js'))), ...(await import(join(repoRoot, 'libs/models/dist/testing/index.js'))) };
const at = process.argv.indexOf('--rounds');
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 14;

const fixtures = m.lvcdTinyFixturesDir();
const config = m.networkConfigFromJson(JSON.parse(readFileSync(join(fixtures, 'tiny-config.json'), 'utf8')));
const weightFiles = { svdPath: join(fixtures, 'svd-tiny.safetensors'), lvcdPath: join(fixtures, 'lvcd-tiny.ckpt') };
const dir = mkdtempSync(join(tmpdir(), 'lvcd-step-bench-'));
try {
  const inside = await m.convertDenoiser({ ...weightFiles, outDir: dir, config, fileName: 'inside.onnx' });
  const separate = await m.convertDenoiser({ ...weightFiles, outDir: dir, config, fileName: 'separate.onnx', hintEncoder: 'separate' });
  const weights = await m.openLvcdWeights(weightFiles.svdPath, weightFiles.lvcdPath);
  const b = new m.GraphBuilder({ name: 'hint_encoder', weights });
  m.buildHintEncoder(b, m.CONTROLNET_PREFIX, config.controlnet.modelChannels);
  const encoder = await m.writeOnnxModel(b.finish(), { dir, fileName: 'hint_encoder.onnx', weights });
  await weights.close();
  const open = async (file) => (await m.createSession(file, { provider: 'cpu' })).session;
  const sessions = { inside: await open(inside.written.modelPath), separate: await open(separate.written.modelPath), encoder: await open(encoder.modelPath) };

  const { call } = await m.goldenDenoiserCall();
  const { hint, ...rest } = { ...call, reference: m.referenceAttentionInputs('prevref', 1, 3, inside.graph.referenceLayers) };
  const dims = [19, 3, 8 * call.latentHeight, 8 * call.latentWidth];
  const encode = async () => (await m.runFloat(sessions.encoder, { [m.HINT_ENCODER_IO.input]: { data: hint, dims } }))[m.HINT_ENCODER_IO.output].data;
  const features = await encode();
  const time = async (fn) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  const ms = { inside: [], separate: [], encoder: [] };
  for (let i = 0; i < rounds; i++) {
    ms.inside.push(await time(() => m.runDenoiserGraph(sessions.inside, { ...rest, hint })));
    ms.separate.push(await time(() => m.runDenoiserGraph(sessions.separate, { ...rest, hintFeatures: features })));
    ms.encoder.push(await time(encode));
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const label = { inside: 'step, hint encoder inside (format 1)', separate: 'step, encoded hint fed (format 2)', encoder: 'hint encoder alone (format 2, once a window)' };
  console.log(`denoiser step on the tiny golden call, CPU, ${rounds} rounds alternating`);
  for (const [k, v] of Object.entries(ms)) console.log(`${label[k].padEnd(46)} fastest ${Math.min(...v).toFixed(0)} ms, median ${median(v).toFixed(0)} ms`);
  await Promise.all(Object.values(sessions).map((s) => s.release()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
