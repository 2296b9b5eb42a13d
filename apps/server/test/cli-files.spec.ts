import { createRgbImage, encodePng, generateDemoClip } from '@lvcd/media';
import { unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from './support/fixtures.js';
import { copyClipWorkflow, runLvcd, type CliResult } from './support/lvcd-cli.js';
import { removeDir, tempDir } from './support/server.js';

let dir: string;
let clipFrames: number;

function lvcd(...args: string[]): Promise<CliResult> {
  return runLvcd(dir, {}, ...args);
}

/** The PNG names of a saved zip, and the first pixel's red value of each. */
async function savedFrames(file: string): Promise<Record<string, number>> {
  const entries = unzipSync(new Uint8Array(await readFile(file)));
  const sharp = (await import('sharp')).default;
  const out: Record<string, number> = {};
  for (const [name, bytes] of Object.entries(entries)) {
    if (name.endsWith('.png')) out[name] = (await sharp(bytes).raw().toBuffer())[0]!;
  }
  return out;
}

beforeAll(async () => {
  dir = await tempDir('lvcd-cli-files-');
  const clip = await generateDemoClip(join(dir, 'demo'), { frames: 5, width: 64, height: 64, seed: 2, fps: 8 });
  clipFrames = 5;
  await copyFile(clip.zip, join(dir, 'clip.zip'));
  await writeFile(join(dir, 'copy.json'), JSON.stringify(copyClipWorkflow()));
  // A folder as a user's export leaves it: numbered frames, plus files that are not frames.
  await mkdir(join(dir, 'shots'));
  for (const [name, fill] of [['frame_1.png', 10], ['frame_2.png', 20], ['frame_10.png', 100]] as const) {
    await writeFile(join(dir, 'shots', name), await encodePng(createRgbImage(16, 8, fill)));
  }
  await writeFile(join(dir, 'shots', '.frame_0.png'), await png(16, 8, 250));
  await writeFile(join(dir, 'shots', 'notes.txt'), 'not a frame');
  await mkdir(join(dir, 'empty'));
  await writeFile(join(dir, 'ref.png'), await png(16, 8, 60));
  await writeFile(join(dir, 'big.png'), await png(40, 20, 60));
});

afterAll(async () => {
  await removeDir(dir);
});

describe('lvcd run --set', () => {
  it('adds a local zip given for an asset param to the store and runs on it', async () => {
    const run = await lvcd('run', 'copy.json', '--set', 'load.frames=./clip.zip', '--set', 'load.fps=10', '--data-dir', 'data', '--out', 'out');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const id = createHash('sha256').update(await readFile(join(dir, 'clip.zip'))).digest('hex');
    expect(run.stdout).toContain(`--set load.frames: ./clip.zip is asset ${id}`);
    expect(run.stdout).toContain('succeeded');
    const names = Object.keys(await savedFrames(join(dir, 'out/copy.zip'))).sort();
    // Save Frames numbers from 0, as the inputs count.
    expect(names).toEqual(Array.from({ length: clipFrames }, (_, i) => `${String(i).padStart(4, '0')}.png`));
    const record = JSON.parse(await readFile(join(dir, 'out/run.json'), 'utf8'));
    expect(record.nodes.load.params).toMatchObject({ frames: id, fps: 10 });
  });

  it('takes a folder of numbered images for Load Frames: its frames in natural order, other files left out', async () => {
    const run = await lvcd('run', 'copy.json', '--set', 'load.frames=shots', '--data-dir', 'data', '--out', 'out-folder');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await savedFrames(join(dir, 'out-folder/copy.zip'))).toEqual({ '0000.png': 10, '0001.png': 20, '0002.png': 100 });
  });

  it('names the node, the param and the fix for every bad --set at once, and runs nothing', async () => {
    const run = await lvcd(
      'run', 'copy.json', '--data-dir', 'data', '--out', 'out-bad',
      '--set', 'lod.frames=./clip.zip',
      '--set', 'load.frame=./clip.zip',
      '--set', 'load.fps=500',
      '--set', 'load.fps=fast',
      '--set', 'save.name=ok',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--set lod.frames: the workflow has no node "lod"; its nodes are load (Load Frames), save (Save Frames)');
    expect(run.stderr).toContain('--set load.frame: Load Frames (load) has no param "frame"; its params are frames, fps (lvcd nodes frames/load describes them)');
    expect(run.stderr).toContain('--set load.fps=500: 500 is out of range [1, 120] (set a value between 1 and 120)');
    expect(run.stderr).toContain('--set load.fps=fast: expects a number, got "fast" (set a number between 1 and 120)');
    expect(run.stderr).not.toContain('save.name');

    const files = await lvcd('run', 'copy.json', '--data-dir', 'data', '--out', 'out-bad', '--set', 'load.frames=./missing.zip');
    expect(files.code).toBe(1);
    expect(files.stderr).toContain('--set load.frames: no file or folder ./missing.zip');
    const kind = await lvcd('run', 'copy.json', '--data-dir', 'data', '--out', 'out-bad', '--set', 'load.frames=ref.png');
    expect(kind.stderr).toContain('--set load.frames: "ref.png" is an image file, but this param takes a zip file or a folder of numbered images');
    const empty = await lvcd('run', 'copy.json', '--data-dir', 'data', '--out', 'out-bad', '--set', 'load.frames=empty');
    expect(empty.stderr).toMatch(/empty holds no PNG, JPEG or WebP images; put the frames in it/);
    expect((await lvcd('run', 'copy.json', '--set', 'nodot')).code).toBe(2);
  });

  it('without --set, a missing clip says how to give one from the command line', async () => {
    const run = await lvcd('run', 'copy.json', '--data-dir', 'data', '--out', 'out-none');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('node load, param frames: no asset chosen (give the file: lvcd run WORKFLOW --set load.frames=PATH, or lvcd assets add PATH');
  });
});

describe('lvcd assets add', () => {
  it('prints the id alone on stdout, the same id a run gets, and checks the file as an upload', async () => {
    const added = await lvcd('assets', 'add', 'ref.png', '--data-dir', 'data');
    expect(added.code).toBe(0);
    const id = createHash('sha256').update(await readFile(join(dir, 'ref.png'))).digest('hex');
    expect(added.stdout).toBe(`${id}\n`);
    expect(added.stderr).toContain('ref.png: image,');
    const folder = await lvcd('assets', 'add', 'shots', '--data-dir', 'data');
    expect(folder.code).toBe(0);
    expect(folder.stderr).toContain('shots.zip: zip,');

    // The studio's upload checks, with the studio's limits and messages.
    const big = await runLvcd(dir, { LVCD_MAX_IMAGE_SIDE: '16' }, 'assets', 'add', 'big.png', '--data-dir', 'data');
    expect(big.code).toBe(1);
    expect(big.stderr).toContain('big.png: "big.png" is 40x20, over the limit of 16 pixels a side (LVCD_MAX_IMAGE_SIDE)');
    await writeFile(join(dir, 'notes.txt'), 'plain text');
    const text = await lvcd('assets', 'add', 'notes.txt', '--data-dir', 'data');
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('"notes.txt" is not a PNG, JPEG, WebP, GIF, zip, mp4/mov or webm file');
    expect((await lvcd('assets', 'list')).code).toBe(2);
  });
});
