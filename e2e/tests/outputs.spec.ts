// Results of finished runs in the studio: History thumbnails of a video-only run, the run detail's inline player,
// frames replayed on the nodes of a restored run and of a re-queued cached one, the Quality Metrics sparkline, the
// outputs gallery with its filters, and a preview PNG that brings its workflow back when opened.
import { generateDemoClip } from '@lvcd/media';
import type { WorkflowDocument } from '@lvcd/nodes';
import { demoWorkflow } from '@lvcd/nodes/catalogue';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { doc, node, waitForDoc } from './support/canvas';
import { apiJson, waitForRun } from './support/compare';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';

const FRAMES = 8;
const W = 128;
const H = 64;

let server: StudioServer;
let studio: Studio;
let tmp: string;
let workflowId: string;
/** A run of the saved workflow, whose only picture is its mp4. */
let videoRun: any;
/** The same workflow unsaved, with Preview Frames added: preview PNGs beside the mp4. */
let previewRun: any;
/** Statuses of the answers the page got for the saved mp4. */
const videoStatuses: number[] = [];

function smallDemo(assetId: string): WorkflowDocument {
  const d = demoWorkflow({ frames: assetId });
  d.nodes.find((n) => n.id === 'resize')!.params = { width: W, height: H, mode: 'crop', pad: 'white' };
  d.meta.name = 'Small demo';
  return d;
}

/** Whether every picture inside `selector` has loaded with the clip's width (replayed frames come from the server). */
function picturesLoaded(page: Page, selector: string): Promise<boolean> {
  return page.$$eval(selector, (imgs, w) => imgs.length > 0 && imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === w), W);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'lvcd-e2e-outputs-'));
  server = await startServer();
  const clip = await generateDemoClip(tmp, { frames: FRAMES, width: 160, height: 96, seed: 5 });
  const form = new FormData();
  form.append('file', new Blob([readFileSync(clip.zip)], { type: 'application/zip' }), 'clip.zip');
  const asset = await (await fetch(`${server.url}/api/assets`, { method: 'POST', body: form })).json();
  workflowId = (await apiJson(server.url, 'POST', '/api/workflows', { name: 'Small demo', document: smallDemo(asset.id) })).id;
  videoRun = await waitForRun(server.url, (await apiJson(server.url, 'POST', '/api/runs', { workflowId })).id);
  const previewed = smallDemo(asset.id);
  previewed.meta.name = 'Previewed demo';
  previewed.nodes.push({ id: 'preview', type: 'output/preview', params: { count: 4 }, position: { x: 1280, y: 320 } });
  previewed.links.push({ from: { node: 'colorize', output: 'frames' }, to: { node: 'preview', input: 'frames' } });
  previewRun = await waitForRun(server.url, (await apiJson(server.url, 'POST', '/api/runs', { document: previewed })).id);
  studio = await openStudio(server.url);
  const video = videoRun.artifacts.find((a: any) => a.mime === 'video/mp4');
  studio.page.on('response', (r) => void (r.url().endsWith(`/api/artifacts/${video.id}`) && videoStatuses.push(r.status())));
});

guardStudio('outputs', () => ({ server, studio }), () => rmSync(tmp, { recursive: true, force: true }));

describe('results of finished runs', () => {
  it('gives a video-only run a labelled thumbnail showing its first frame in History', async () => {
    const { page } = studio;
    await page.click('[data-testid=tab-history]');
    const thumb = `[data-testid=history-item][data-run-id="${videoRun.id}"] [data-testid=run-thumb]`;
    await page.waitForSelector(`${thumb}[data-kind=video]`);
    expect(await page.textContent(thumb)).toContain('▶ video');
    // The browser decoded a frame of the mp4: the tile is a picture, not a blank square.
    await page.waitForFunction((sel) => {
      const v = document.querySelector(`${sel} video`) as HTMLVideoElement | null;
      return !!v && v.readyState >= 2 && v.videoWidth > 0;
    }, thumb);
    expect(await page.$eval(`${thumb} video`, (v) => (v as HTMLVideoElement).videoWidth)).toBe(W);
    const preview = `[data-testid=history-item][data-run-id="${previewRun.id}"] [data-testid=run-thumb]`;
    expect(await page.getAttribute(preview, 'data-kind')).toBe('image');
  });

  it('plays the saved mp4 inline in the run detail, and seeks in it', async () => {
    const { page } = studio;
    await page.click(`[data-testid=history-item][data-run-id="${videoRun.id}"]`);
    const player = '[data-testid=run-detail] [data-testid=run-video]';
    await page.waitForSelector(player);
    await page.$eval(player, (v) => {
      const video = v as HTMLVideoElement;
      video.muted = true;
      return video.play();
    });
    await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLVideoElement).currentTime > 0, player);
    const facts = await page.$eval(player, (v) => ({ w: (v as HTMLVideoElement).videoWidth, h: (v as HTMLVideoElement).videoHeight, d: (v as HTMLVideoElement).duration, controls: (v as HTMLVideoElement).controls }));
    expect(facts).toMatchObject({ w: W, h: H, controls: true });
    expect(facts.d).toBeCloseTo(FRAMES / 12, 1);
    await page.$eval(player, (v) => {
      const el = v as HTMLVideoElement;
      el.pause();
      return new Promise<void>((resolve) => {
        el.addEventListener('seeked', () => resolve(), { once: true });
        el.currentTime = el.duration / 2;
      });
    });
    expect(await page.$eval(player, (v) => (v as HTMLVideoElement).currentTime)).toBeCloseTo(FRAMES / 24, 1);
    // The player asked for byte ranges (the History thumbnail did too); the server answering them in part is what
    // lets it seek in a long video without loading all of it.
    expect(videoStatuses).toContain(206);
    await studio.screenshot('outputs-run-detail-video');
  });

  it('restored from History, the nodes show the frames their run saved and the metrics per frame', async () => {
    const { page } = studio;
    await page.click('[data-testid=restore-workflow]');
    await waitForDoc(page, "doc.nodes.length === 7 && doc.nodes.some((n) => n.id === 'save')");
    for (const id of ['save', 'colorize']) {
      await page.waitForSelector(`${node(id)} [data-testid=filmstrip][data-frames="${FRAMES}"]`);
      expect(await page.getAttribute(node(id), 'data-status')).toBe('done');
      await expect.poll(() => picturesLoaded(page, `${node(id)} [data-testid=filmstrip] img`), { timeout: 20_000 }).toBe(true);
    }
    const video = videoRun.artifacts.find((a: any) => a.mime === 'video/mp4');
    expect(await page.getAttribute(`${node('save')} [data-testid=frame]`, 'src')).toMatch(new RegExp(`^/api/artifacts/${video.id}/frames/\\d+$`));
    const metrics = `${node('metrics')} [data-testid=node-metrics]`;
    await page.waitForSelector(`${metrics} [data-testid=metrics-sparkline][data-frames="${FRAMES}"]`);
    expect(await page.textContent(metrics)).toMatch(/PSNR \d+\.\d\d dB · SSIM 0\.\d{3}/);
    expect((await page.getAttribute(`${metrics} [data-testid=sparkline-psnr]`, 'points'))!.split(' ')).toHaveLength(FRAMES);
    await studio.screenshot('outputs-restored-run');
  });

  it('re-queued and served from the cache, the nodes show the saved frames again', async () => {
    const { page } = studio;
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid=toast]', { hasText: 'Queued' }).last().waitFor();
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")', { timeout: 60_000 });
    await page.waitForSelector(`${node('save')}[data-status=cached] [data-testid=filmstrip][data-frames="${FRAMES}"]`);
    await page.waitForSelector(`${node('colorize')}[data-status=cached] [data-testid=filmstrip][data-frames="${FRAMES}"]`);
    await expect.poll(() => picturesLoaded(page, `${node('save')} [data-testid=filmstrip] img`), { timeout: 20_000 }).toBe(true);
    await page.waitForSelector(`${node('metrics')} [data-testid=metrics-sparkline][data-frames="${FRAMES}"]`);
  });

  it('lists every image and video in the outputs gallery, filters them, and opens the run of one', async () => {
    const { page } = studio;
    const all = await apiJson(server.url, 'GET', '/api/artifacts');
    // Three runs' videos and the four previews.
    expect(all.total).toBe(7);
    await page.click('[data-testid=tab-outputs]');
    await expect.poll(() => page.locator('[data-testid=output-tile]').count()).toBe(7);
    expect(await page.textContent('[data-testid=outputs-count]')).toBe('7 of 7');
    await expect.poll(() => picturesLoaded(page, '[data-testid=output-tile] img'), { timeout: 20_000 }).toBe(true);

    await page.selectOption('[data-testid=outputs-kind]', 'video');
    await expect.poll(() => page.locator('[data-testid=output-tile]').count()).toBe(3);
    expect(await page.$$eval('[data-testid=output-tile]', (ts) => ts.map((t) => t.getAttribute('data-kind')))).toEqual(['video', 'video', 'video']);

    await page.selectOption('[data-testid=outputs-workflow]', workflowId);
    await expect.poll(() => page.locator('[data-testid=output-tile]').count()).toBe(1);
    expect(await page.getAttribute('[data-testid=output-tile]', 'data-run-id')).toBe(videoRun.id);

    await page.selectOption('[data-testid=outputs-status]', 'failed');
    await page.waitForSelector('[data-testid=outputs-empty]:text("No outputs match these filters.")');
    await page.selectOption('[data-testid=outputs-status]', '');
    await page.selectOption('[data-testid=outputs-workflow]', '');
    await page.selectOption('[data-testid=outputs-kind]', 'image');
    await expect.poll(() => page.locator('[data-testid=output-tile]').count()).toBe(4);
    await studio.screenshot('outputs-gallery');

    await page.locator('[data-testid=output-tile]').first().click();
    await page.waitForSelector(`[data-testid=run-detail] [data-testid=run-output]`);
    expect(await page.getAttribute('[data-testid=tab-history]', 'class')).toContain('on');
    const shown = await page.$$eval('[data-testid=run-detail] [data-testid=run-output]', (imgs) => imgs.map((i) => i.getAttribute('src')));
    expect(shown).toEqual(previewRun.artifacts.filter((a: any) => a.mime === 'image/png').map((a: any) => `/api/artifacts/${a.id}`));
  });

  it('opens the workflow a preview PNG carries, as a saved PNG does', async () => {
    const { page } = studio;
    const src = (await page.getAttribute('[data-testid=run-detail] [data-testid=run-output]', 'src'))!;
    const png = Buffer.from(await (await fetch(server.url + src)).arrayBuffer());
    await page.setInputFiles('[data-testid=import-file]', { name: 'preview.png', mimeType: 'image/png', buffer: png });
    await waitForDoc(page, "doc.nodes.length === 8 && doc.nodes.some((n) => n.type === 'output/preview')");
    expect((await doc(page)).meta.name).toBe('Previewed demo');
    expect(await page.inputValue('[data-testid=workflow-name]')).toBe('Previewed demo');
  });
});
