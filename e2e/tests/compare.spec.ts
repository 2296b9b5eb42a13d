// Comparing two real runs of the demo workflow that differ in one parameter (Flat Colorize's gap closing):
// opened from the history, frame-locked playback, wipe and ΔE heatmap checked on screenshots, the parameter
// diff, the exports (mp4 checked with ffprobe, CSV) and reopening from the URL.
import { generateDemoClip } from '@lvcd/media';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { heatColour, srgbToLab } from '../../apps/editor/src/compare/delta-e';
import { ARTEFACTS, openStudio, type Studio } from './support/browser';
import { STAGE, demoVariant, sampleShown, startRun, waitForRun } from './support/compare';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';

const FRAMES = 12;
const W = 128;
const H = 64;

let server: StudioServer;
let studio: Studio;
let tmp: string;
let runA: any;
let runB: any;

async function shown(page: Page): Promise<[string | null, string | null]> {
  return [await page.getAttribute(STAGE, 'data-frame-a'), await page.getAttribute(STAGE, 'data-frame-b')];
}

async function waitShown(page: Page, index: number): Promise<void> {
  await page.waitForFunction(([sel, i]) => {
    const el = document.querySelector(sel) as HTMLElement | null;
    return el?.dataset.frameA === String(i) && el.dataset.frameB === String(i);
  }, [STAGE, index] as const);
}

/** The first stage canvas as RGB pixels, with the overlays (tags, legend, zoom) hidden. */
async function canvasPixels(page: Page, name: string): Promise<{ data: Buffer; width: number; height: number }> {
  await page.evaluate(() => document.body.classList.add('cmp-bare'));
  // Two animation frames: the last change is drawn before the capture.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  // Kept under e2e/test-results/ to look at.
  const png = await page.locator('[data-testid=compare-side-a] canvas').screenshot({ path: join(ARTEFACTS, `compare-canvas-${name}.png`) });
  await page.evaluate(() => document.body.classList.remove('cmp-bare'));
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function framePixels(artifact: string, index: number): Promise<Buffer> {
  const res = await fetch(`${server.url}/api/artifacts/${artifact}/frames/${index}`);
  expect(res.status).toBe(200);
  return sharp(Buffer.from(await res.arrayBuffer())).removeAlpha().raw().toBuffer();
}

const zipOf = (run: any) => run.artifacts.find((a: any) => a.mime === 'application/zip').id as string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'lvcd-e2e-compare-'));
  server = await startServer();
  const clip = await generateDemoClip(tmp, { frames: FRAMES, width: W, height: H, seed: 3 });
  const form = new FormData();
  form.append('file', new Blob([readFileSync(clip.zip)], { type: 'application/zip' }), 'clip.zip');
  const asset = await (await fetch(`${server.url}/api/assets`, { method: 'POST', body: form })).json();
  runA = await waitForRun(server.url, await startRun(server.url, demoVariant(asset.id, { width: W, height: H, gapClose: 3 })));
  runB = await waitForRun(server.url, await startRun(server.url, demoVariant(asset.id, { width: W, height: H, gapClose: 0 })));
  studio = await openStudio(server.url);
  await studio.page.addStyleTag({ content: 'body.cmp-bare .cmp-tag, body.cmp-bare .cmp-legend, body.cmp-bare .cmp-zoom, body.cmp-bare .cmp-wait { visibility: hidden; }' });
});


guardStudio('compare', () => ({ server, studio }), () => rmSync(tmp, { recursive: true, force: true }));

describe('compare two runs', () => {
  it('opens from the history with a shareable URL', async () => {
    const { page } = studio;
    await page.click('[data-testid=tab-history]');
    for (const run of [runA, runB]) await page.check(`[data-testid=history-item][data-run-id="${run.id}"] [data-testid=history-pick]`);
    await page.click('[data-testid=compare-runs]');
    await page.waitForSelector(`[data-testid=compare-view][data-run-a="${runA.id}"][data-run-b="${runB.id}"]`);
    expect(new URL(page.url()).hash).toBe(`#/compare/${runA.id}/${runB.id}`);
    await waitShown(page, 0);
  });

  it('plays both sides frame-locked, steps, scrubs and loops a range', async () => {
    const { page } = studio;
    await page.click('[data-testid=play]');
    const samples = await sampleShown(page, 2500);
    await page.click('[data-testid=play]');
    // Every sample, on every animation frame: both sides show the same frame.
    expect(samples.filter(([a, b]) => a !== b)).toEqual([]);
    const seen = new Set(samples.map(([a]) => a));
    expect(seen.size).toBe(FRAMES); // 2.5 s at 12 fps goes round the 12 frames

    await page.click('[data-testid=first]');
    await waitShown(page, 0);
    await page.click('[data-testid=step-next]');
    await page.click('[data-testid=step-next]');
    await waitShown(page, 2);
    await page.click('[data-testid=step-prev]');
    await waitShown(page, 1);
    await page.locator('[data-testid=scrub]').fill('7');
    await waitShown(page, 7);
    expect(await page.textContent('[data-testid=frame-label]')).toContain('7 / 11');

    // Loop 4..6.
    await page.locator('[data-testid=scrub]').fill('4');
    await page.click('[data-testid=loop-in]');
    await page.locator('[data-testid=scrub]').fill('6');
    await page.click('[data-testid=loop-out]');
    await page.click('[data-testid=play]');
    const looped = await sampleShown(page, 1500);
    await page.click('[data-testid=play]');
    expect(looped.filter(([a, b]) => a !== b)).toEqual([]);
    expect([...new Set(looped.map(([a]) => Number(a)))].sort()).toEqual([4, 5, 6]);
    await page.uncheck('[data-testid=loop]');
  });

  it('seeks from the metrics strip and shows both runs against their ground truth', async () => {
    const { page } = studio;
    const series = page.locator('[data-testid=metrics-series]');
    await expect.poll(() => series.count()).toBe(2);
    expect(await series.nth(0).textContent()).toMatch(/A vs truth: PSNR \d+\.\d+ dB/);
    const strip = await page.locator('[data-testid=metrics-strip]').boundingBox();
    await page.mouse.click(strip!.x + strip!.width * 0.75 + 2, strip!.y + strip!.height / 2);
    await waitShown(page, 9);
  });

  it('renders the wipe: A left of the line, B right of it', async () => {
    const { page } = studio;
    await page.click('[data-testid=mode-flicker]');
    const onlyA = await canvasPixels(page, 'flicker-a');
    await page.click('[data-testid=flicker-toggle]');
    await page.waitForSelector(`${STAGE}[data-showing=b]`);
    const onlyB = await canvasPixels(page, 'flicker-b');
    await page.click('[data-testid=mode-wipe]');
    await page.locator('[data-testid=wipe]').fill('0.5');
    const wipe = await canvasPixels(page, 'wipe');

    const { width, height } = wipe;
    const line = Math.round(width * 0.5);
    let differAB = 0;
    let badLeft = 0;
    let badRight = 0;
    let compared = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (Math.abs(x - line) <= 3) continue; // the drawn divider and its anti-aliasing
        const p = (y * width + x) * 3;
        const near = (s: Buffer) => Math.max(Math.abs(wipe.data[p]! - s[p]!), Math.abs(wipe.data[p + 1]! - s[p + 1]!), Math.abs(wipe.data[p + 2]! - s[p + 2]!)) <= 2;
        if (onlyA.data.compare(onlyB.data, p, p + 3, p, p + 3) !== 0) differAB++;
        compared++;
        if (x < line && !near(onlyA.data)) badLeft++;
        if (x > line && !near(onlyB.data)) badRight++;
      }
    }
    // The runs really differ on screen (else the check would prove nothing) ...
    expect(differAB / compared).toBeGreaterThan(0.005);
    // ... and the wipe matches A on the left and B on the right to within 2 levels on 99.9% of pixels.
    expect(badLeft / compared).toBeLessThan(0.001);
    expect(badRight / compared).toBeLessThan(0.001);
  });

  it('renders the ΔE heatmap matching the frames, with its legend', async () => {
    const { page } = studio;
    await page.click('[data-testid=mode-diff]');
    await page.selectOption('[data-testid=heat-scale]', '25');
    await page.waitForSelector('[data-testid=heat-legend] [data-testid=heat-stats]');
    expect(await page.textContent('[data-testid=heat-legend]')).toContain('ΔE*ab (CIE76');
    const index = Number(await page.getAttribute(STAGE, 'data-frame-a'));

    // The expected map from the frames themselves (lossless zip frames, so the exact pixels the browser has).
    const fa = await framePixels(zipOf(runA), index);
    const fb = await framePixels(zipOf(runB), index);
    let sum = 0;
    let zero = 0;
    let hot = 0;
    for (let p = 0; p < fa.length; p += 3) {
      const la = srgbToLab(fa[p]!, fa[p + 1]!, fa[p + 2]!);
      const lb = srgbToLab(fb[p]!, fb[p + 1]!, fb[p + 2]!);
      const d = Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
      sum += d;
      if (d === 0) zero++;
      if (d >= 25 * 0.5) hot++;
    }
    const n = W * H;
    expect(hot / n).toBeGreaterThan(0.005); // the frames differ enough for the check to mean something
    const mean = Number(await page.getAttribute('[data-testid=heat-stats]', 'data-mean'));
    expect(mean).toBeCloseTo(sum / n, 3);

    // On screen: inside the picture (everything but the #111 letterbox), black where nothing changed and
    // colours from the top half of the scale where ΔE >= 12.5, in the same shares (±3 points, nearest-neighbour scaling).
    const shot = await canvasPixels(page, 'heatmap');
    const lut = Array.from({ length: 129 }, (_, i) => heatColour(0.5 + i / 256));
    let area = 0;
    let black = 0;
    let onScale = 0;
    for (let p = 0; p < shot.data.length; p += 3) {
      const [r, g, b] = [shot.data[p]!, shot.data[p + 1]!, shot.data[p + 2]!];
      if (r === 17 && g === 17 && b === 17) continue;
      area++;
      if (r <= 2 && g <= 2 && b <= 2) black++;
      else if (lut.some((c) => Math.abs(c[0] - r) <= 4 && Math.abs(c[1] - g) <= 4 && Math.abs(c[2] - b) <= 4)) onScale++;
    }
    expect(area).toBeGreaterThan(shot.width * shot.height * 0.2);
    expect(Math.abs(black / area - zero / n)).toBeLessThan(0.03);
    expect(Math.abs(onScale / area - hot / n)).toBeLessThan(0.03);
    await studio.screenshot('compare-heatmap-view');
  });

  it('shows exactly the changed parameter in the diff', async () => {
    const { page } = studio;
    const rows = page.locator('[data-testid=diff-row]');
    expect(await page.isChecked('[data-testid=only-differences]')).toBe(true);
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getAttribute('data-kind')).toBe('param');
    expect(await row.getAttribute('data-node')).toBe('colorize');
    expect(await row.getAttribute('data-key')).toBe('gapClose');
    expect((await row.locator('td').allTextContents()).slice(2)).toEqual(['3', '0']);
    await page.uncheck('[data-testid=only-differences]');
    expect(await rows.count()).toBeGreaterThan(15);
    expect(await page.locator('[data-testid=diff-row][data-same=false]').count()).toBe(1);
    await page.check('[data-testid=only-differences]');
  });

  it('exports a playable side-by-side mp4 of both runs and the metrics as CSV', async () => {
    const { page } = studio;
    const download = page.waitForEvent('download');
    await page.click('[data-testid=export-mp4]');
    const mp4 = await download;
    const file = join(tmp, 'export.mp4');
    await mp4.saveAs(file);
    const { stdout } = await promisify(execFile)('/usr/bin/ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', file]);
    const stream = JSON.parse(stdout).streams[0];
    expect(stream).toMatchObject({ codec_name: 'h264', width: 2 * W + 4, nb_read_frames: String(FRAMES) });
    expect(stream.height).toBeGreaterThan(H);

    // Both pictures are there: frame 0's halves are closest to their own run's frame 0.
    const { stdout: raw } = await promisify(execFile)('/usr/bin/ffmpeg', ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 });
    const top = stream.height - H;
    const [fa, fb] = [await framePixels(zipOf(runA), 0), await framePixels(zipOf(runB), 0)];
    const err = (side: Buffer, x0: number) => {
      let s = 0;
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) s += Math.abs(raw[((top + y) * stream.width + x0 + x) * 3 + c]! - side[(y * W + x) * 3 + c]!);
      return s / (W * H * 3);
    };
    expect(err(fa, 0)).toBeLessThan(12);
    expect(err(fb, W + 4)).toBeLessThan(12);
    // The label strip has text: more than the background colour in it.
    const strip = raw.subarray(0, top * stream.width * 3);
    expect(new Set(Array.from({ length: strip.length / 3 }, (_, i) => strip[i * 3]! >> 4)).size).toBeGreaterThan(3);

    const csvDownload = page.waitForEvent('download');
    await page.click('[data-testid=export-csv]');
    const csv = readFileSync(await (await csvDownload).path(), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('frame,psnr_a_vs_truth,ssim_a_vs_truth,psnr_b_vs_truth,ssim_b_vs_truth,psnr_b_minus_a');
    expect(csv).toHaveLength(FRAMES + 1);
    expect(csv[1]).toMatch(/^0,\d+\.\d{4},0?\.?\d+/);
  });

  it('reopens from the URL after a reload, and closes back to the editor', async () => {
    const { page } = studio;
    await page.reload();
    await page.waitForSelector(`[data-testid=compare-view][data-run-a="${runA.id}"][data-run-b="${runB.id}"]`);
    await waitShown(page, 0);
    expect(await shown(page)).toEqual(['0', '0']);
    await page.click('[data-testid=compare-close]');
    await page.waitForSelector('[data-testid=compare-view]', { state: 'detached' });
    expect(new URL(page.url()).hash).toBe('');
  });
});
