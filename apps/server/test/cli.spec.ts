import { generateDemoClip } from '@lvcd/media';
import { lvcdTemplateWorkflow } from '@lvcd/nodes/catalogue';
import { AssetStore, type ExecutionEvent } from '@lvcd/nodes/runtime';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressReporter } from '../src/cli/progress.js';
import { chain, png } from './support/fixtures.js';
import { REPO, runLvcd, type CliResult } from './support/lvcd-cli.js';
import { removeDir, tempDir } from './support/server.js';

function lvcd(...args: string[]): Promise<CliResult> {
  return runLvcd(dir, {}, ...args);
}

function lvcdWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  return runLvcd(dir, env, ...args);
}

let dir: string;
let assetId: string;

beforeAll(async () => {
  if (!existsSync(join(REPO, 'apps/server/dist/cli/main.js'))) throw new Error('build the server first: npx tsc -p apps/server/tsconfig.json');
  dir = await tempDir('lvcd-cli-');
  const store = new AssetStore(join(dir, 'data/assets'));
  await store.init();
  assetId = (await store.put(await png(3, 2, 40), 'ref.png')).id;
  await writeFile(join(dir, 'good.json'), JSON.stringify(chain(assetId, 1, 'result')));
  const broken = chain('e'.repeat(64), 1);
  broken.links = [];
  await writeFile(join(dir, 'broken.json'), JSON.stringify(broken));
  await writeFile(join(dir, 'not-json.json'), '{ nope');
});

afterAll(async () => {
  await removeDir(dir);
});

describe('lvcd CLI', () => {
  it('validate: exit 0 on a valid file, 1 with every problem printed otherwise', async () => {
    const ok = await lvcd('validate', 'good.json', '--data-dir', 'data');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid');

    const bad = await lvcd('validate', 'broken.json', '--data-dir', 'data');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('3 problems');
    for (const code of ['unknown-asset', 'missing-input']) expect(bad.stdout).toContain(code);
    // An asset problem names the command line's way in, not the studio's picker.
    expect(bad.stdout).toContain('unknown-asset] node load, param image: asset eeeeeeeeeeee… is not in the asset store (give the file: lvcd run WORKFLOW --set load.image=PATH');

    const garbage = await lvcd('validate', 'not-json.json');
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toContain('not valid JSON');
    expect((await lvcd('validate')).code).toBe(2);
    expect((await lvcd('validate', 'good.json', '--bogus')).code).toBe(2);
  });

  it('run: executes headless, copies artefacts to --out and fails with problems on an invalid file', async () => {
    const run = await lvcd('run', 'good.json', '--data-dir', 'data', '--out', 'out');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\[3\/3\] Save Image \(save\) done in/);
    expect(run.stdout).toContain('succeeded');
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['result.png', 'run.json']);
    const bytes = await readFile(join(dir, 'out/result.png'));
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // The run's record: the workflow's nodes with their versions, and the input image by its hash.
    const record = JSON.parse(await readFile(join(dir, 'out/run.json'), 'utf8'));
    expect(record).toMatchObject({ format: 'lvcd-run-record', status: 'succeeded', nodes: { save: { type: 'image/save', status: 'done' } } });
    expect(record.inputs).toHaveLength(1);
    expect(record.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);

    const bad = await lvcd('run', 'broken.json', '--data-dir', 'data', '--out', 'out2');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('cannot run: 3 problems');
    expect(existsSync(join(dir, 'out2'))).toBe(false);
  });

  it('nodes lists the catalogue with params, describes one type, and names the types near a wrong one; an unknown command exits 2', async () => {
    const nodes = await lvcd('nodes', '--json');
    expect(nodes.code).toBe(0);
    expect(JSON.parse(nodes.stdout).map((n: { type: string }) => n.type)).toContain('image/invert');
    const text = await lvcd('nodes');
    expect(text.stdout).toContain('params: frames=<zip> fps=12');

    const one = await lvcd('nodes', 'frames/select');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('frames/select  Select Frames');
    expect(one.stdout).toContain('inputs:\n  frames: FRAMES');
    expect(one.stdout).toContain('stride ("Every n-th"): integer from 1 to 1000, default 1\n      Keeps every n-th frame');
    const lvcdNode = await lvcd('nodes', 'lvcd/colorize');
    expect(lvcdNode.stdout).toMatch(/seed \("Seed"\): seed \(whole number from 0\), default 1234\n {6}Seed of the starting noise/);
    const wrong = await lvcd('nodes', 'frames');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/no node type "frames"; did you mean .*frames\/load, .*frames\/select/);
    const unknown = await lvcd('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
  });
});

describe('progress output', () => {
  const titles = new Map([['a', 'Load Image']]);
  const events: ExecutionEvent[] = [
    { type: 'node:started', node: 'a', nodeType: 'image/load' },
    ...Array.from({ length: 50 }, (_, i): ExecutionEvent => ({ type: 'node:progress', node: 'a', value: i + 1, max: 50 })),
    { type: 'node:finished', node: 'a', ms: 12, artifacts: [] },
  ];

  it('rewrites one line on a TTY', () => {
    const writes: string[] = [];
    const progress = new ProgressReporter({ isTTY: true, columns: 100, write: (t) => writes.push(t) }, 1, titles);
    for (const e of events) progress.onEvent(e);
    progress.finish();
    expect(writes.slice(0, -1).every((w) => w.startsWith('\r\x1b[2K') && !w.includes('\n'))).toBe(true);
    expect(writes.at(-2)).toContain('[1/1] Load Image (a) done in 12 ms');
    expect(writes.at(-1)).toBe('\n');
  });

  it('prints plain lines otherwise, progress only at each tenth', () => {
    const writes: string[] = [];
    const progress = new ProgressReporter({ isTTY: false, write: (t) => writes.push(t) }, 1, titles);
    for (const e of events) progress.onEvent(e);
    progress.finish();
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes).toHaveLength(1 + 11 + 1); // started, 0%..100% by tenths, finished
  });
});

describe('lvcd convert and lvcd models check', () => {
  const fixtures = resolve(process.env.LVCD_SHARED_DIR ?? resolve(REPO, '../shared'), 'fixtures/lvcd-tiny');

  it('converts the tiny checkpoints into a bundle that checks out, and finds a damaged one', async () => {
    const converted = await lvcd(
      'convert', '--svd', join(fixtures, 'svd-tiny.safetensors'), '--lvcd', join(fixtures, 'lvcd-tiny.ckpt'),
      '--lineart', join(fixtures, 'sk-tiny.pth'), '--out', 'bundle', '--config', join(fixtures, 'tiny-config.json'),
    );
    expect(converted.stderr).toBe('');
    expect(converted.code).toBe(0);
    expect(converted.stdout).toMatch(/wrote lineart, vae_encoder, vae_decoder, cond_encoder, clip_visual, hint_encoder, denoiser/);
    const checked = await lvcd('models', 'check', 'bundle');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('bundle ok');
    await writeFile(join(dir, 'bundle', 'lineart.onnx'), 'not a model');
    const damaged = await lvcd('models', 'check', 'bundle');
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toMatch(/problem: .*lineart/);
  }, 120_000); // converts six networks and loads each in ONNX Runtime, twice

  it('builds a bundle for the frame size asked for, refuses sizes off the grid, and names --config for an unknown CLIP width', async () => {
    const sized = await lvcd(
      'convert', '--svd', join(fixtures, 'svd-tiny.safetensors'), '--lvcd', join(fixtures, 'lvcd-tiny.ckpt'),
      '--out', 'sized', '--config', join(fixtures, 'tiny-config.json'), '--width', '256', '--height', '128',
    );
    expect(sized.code, sized.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'sized', 'manifest.json'), 'utf8')).config.frame).toEqual({ height: 128, width: 256 });
    const offGrid = await lvcd('convert', '--svd', 'a', '--lvcd', 'b', '--out', 'c', '--width', '500', '--height', '320');
    expect(offGrid.code).toBe(2);
    expect(offGrid.stderr + offGrid.stdout).toContain('--width must be a multiple of 64');
    const noConfig = await lvcd('convert', '--svd', join(fixtures, 'svd-tiny.safetensors'), '--lvcd', join(fixtures, 'lvcd-tiny.ckpt'), '--out', 'unknown');
    expect(noConfig.code).toBe(1);
    expect(noConfig.stderr).toMatch(/unknown CLIP tower width 64.*pass --config ARCH\.json/);
  }, 120_000);

  it('plan: runs what feeds the LVCD node, then prints its peak memory and time, and fails when it would not fit', async () => {
    const converted = await lvcd(
      'convert', '--svd', join(fixtures, 'svd-tiny.safetensors'), '--lvcd', join(fixtures, 'lvcd-tiny.ckpt'), '--lineart', join(fixtures, 'sk-tiny.pth'),
      '--out', join('plan-data', 'models', 'lvcd'), '--config', join(fixtures, 'tiny-config.json'),
    );
    expect(converted.code, converted.stderr).toBe(0);
    const clip = await generateDemoClip(join(dir, 'plan-clip'), { frames: 20, width: 128, height: 64, seed: 3, fps: 8 });
    // The template's clip is a placeholder id: --set gives the real one, from a file, as for lvcd run.
    await writeFile(join(dir, 'lvcd.json'), JSON.stringify(lvcdTemplateWorkflow({ frames: 'f'.repeat(64) })));

    const fits = await lvcd('plan', 'lvcd.json', '--data-dir', 'plan-data', '--set', `load.frames=${clip.zip}`);
    expect(fits.code, fits.stderr).toBe(0);
    expect(fits.stdout).toMatch(/--set load\.frames: .*clip.* is asset [0-9a-f]{64}/);
    const clipId = /is asset ([0-9a-f]{64})/.exec(fits.stdout)![1]!;
    await writeFile(join(dir, 'lvcd.json'), JSON.stringify(lvcdTemplateWorkflow({ frames: clipId })));
    expect(fits.stdout).toMatch(/LVCD Colorize \(colorize\): fits/);
    expect(fits.stdout).toMatch(/2 windows for 20 frames at 576x320, 25 steps, on the CPU/);
    expect(fits.stdout).toMatch(/peak \d+\.\d GB: weights .* denoiser step .* decode chunk of 10/);
    expect(fits.stdout).toContain('fitted to measured tiny-bundle and real-shape runs');

    const tight = await lvcdWith({ LVCD_MEMORY_LIMIT_MB: '64' }, 'plan', 'lvcd.json', '--data-dir', 'plan-data');
    expect(tight.code).toBe(1);
    expect(tight.stdout).toMatch(/LVCD Colorize \(colorize\): DOES NOT FIT/);
    expect(tight.stdout).toMatch(/does not fit: lower the decode chunk/);
  }, 300_000);

  it('converts in the precision asked for (--fp16 is --precision fp16), and refuses an unknown or contradicting one', async () => {
    const args = (out: string, ...more: string[]) => ['convert', '--svd', join(fixtures, 'svd-tiny.safetensors'), '--lvcd', join(fixtures, 'lvcd-tiny.ckpt'), '--out', out, '--config', join(fixtures, 'tiny-config.json'), '--width', '128', '--height', '64', ...more];
    const precisionOf = async (out: string) => JSON.parse(await readFile(join(dir, out, 'manifest.json'), 'utf8')).precision;
    const compute = await lvcd(...args('fp16c', '--precision', 'fp16-compute'));
    expect(compute.code, compute.stderr).toBe(0);
    expect(await precisionOf('fp16c')).toBe('fp16-compute');
    const storage = await lvcd(...args('fp16s', '--fp16'));
    expect(storage.code, storage.stderr).toBe(0);
    expect(await precisionOf('fp16s')).toBe('fp16');
    const unknown = await lvcd(...args('fp8', '--precision', 'fp8'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr + unknown.stdout).toContain('--precision must be one of fp32, fp16, fp16-compute, got fp8');
    const both = await lvcd(...args('both', '--fp16', '--precision', 'fp32'));
    expect(both.code).toBe(2);
    expect(both.stderr + both.stdout).toContain('--fp16 means --precision fp16 (fp16 weights, float32 compute); it contradicts --precision fp32');
  }, 120_000);

  it('says what is missing instead of converting half', async () => {
    const missing = await lvcd('convert', '--svd', join(fixtures, 'svd-tiny.safetensors'), '--out', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr + missing.stdout).toContain('--svd, --lvcd and --out are required');
  });
});
