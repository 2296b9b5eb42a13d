// Comparing a finished run with one that is still going (docs/api.md, "Comparing runs"): the running side
// shows its frame previews from the socket as they arrive, without a reload, and when the run finishes the
// view swaps in its saved Save Frames zip and plays both sides frame-locked.
import { generateDemoClip } from '@lvcd/media';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { STAGE, demoVariant, sampleShown, startRun, waitForRun } from './support/compare';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';

// Big enough that B's Flat Colorize takes a second or more (its previews go out at most every 0.4 s, always
// the first and the last), small enough that each run takes a few seconds.
const FRAMES = 72;
const W = 576;
const H = 320;
const LIVE_B = '[data-testid=compare-live-b]';

let server: StudioServer;
let studio: Studio;
let tmp: string;
let assetId: string;
let runA: any;

interface LiveSample {
  /** Date.now() in the page (same clock as the server's finishedAt: same machine). */
  at: number;
  /** Frames of B arrived so far, while B's side is live; null once it is not. */
  arrived: number | null;
  frameA: string | null;
  frameB: string | null;
}

/** Records, on every animation frame, what B's side says and shows; kept in the page until read. */
async function startRecording(page: Page): Promise<void> {
  await page.evaluate(
    ([stage, live]) => {
      const log: LiveSample[] = [];
      (window as unknown as { __liveLog: LiveSample[] }).__liveLog = log;
      const tick = () => {
        const el = document.querySelector(stage) as HTMLElement | null;
        const arrived = document.querySelector(live)?.getAttribute('data-arrived');
        log.push({ at: Date.now(), arrived: arrived == null ? null : Number(arrived), frameA: el?.dataset.frameA ?? null, frameB: el?.dataset.frameB ?? null });
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    [STAGE, LIVE_B] as const,
  );
}

const zipOf = (run: any) => run.artifacts.find((a: any) => a.mime === 'application/zip').id as string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'lvcd-e2e-compare-live-'));
  server = await startServer();
  const clip = await generateDemoClip(tmp, { frames: FRAMES, width: W, height: H, seed: 5 });
  const form = new FormData();
  form.append('file', new Blob([readFileSync(clip.zip)], { type: 'application/zip' }), 'clip.zip');
  assetId = (await (await fetch(`${server.url}/api/assets`, { method: 'POST', body: form })).json()).id;
  runA = await waitForRun(server.url, await startRun(server.url, demoVariant(assetId, { width: W, height: H, gapClose: 3, metrics: false })));
  studio = await openStudio(server.url);
});


guardStudio('compare-live', () => ({ server, studio }), () => rmSync(tmp, { recursive: true, force: true }));

describe('compare with a run still going', () => {
  it('shows B’s frames as they arrive, then swaps in the saved sequence and plays frame-locked', async () => {
    const { page } = studio;
    const frameRequests: string[] = [];
    page.on('request', (r) => {
      const m = /\/api\/artifacts\/([^/]+)\/frames\/\d+$/.exec(new URL(r.url()).pathname);
      if (m) frameRequests.push(m[1]!);
    });

    // B starts; the comparison opens at once, while B is still loading, sketching and colouring.
    const runBId = await startRun(server.url, demoVariant(assetId, { width: W, height: H, gapClose: 0, metrics: false }));
    await page.evaluate(([a, b]) => (location.hash = `#/compare/${a}/${b}`), [runA.id, runBId] as const);
    await page.waitForSelector(`[data-testid=compare-view][data-run-a="${runA.id}"][data-run-b="${runBId}"]`);
    await page.waitForSelector(LIVE_B);
    expect(['queued', 'running']).toContain(await page.getAttribute('[data-testid=compare-run-b]', 'data-status'));
    expect(await page.locator('[data-testid=compare-live-a]').count()).toBe(0);
    await startRecording(page);
    // Parked on the last frame while B runs: B shows the nearest earlier frame that has arrived, i.e. its newest.
    await page.waitForSelector(`[data-testid=frame-label]:text-matches("/ ${FRAMES - 1}$")`);
    await page.locator('[data-testid=scrub]').fill(String(FRAMES - 1));

    // B finishes: its side stops being live and plays its saved zip.
    await page.waitForSelector(LIVE_B, { state: 'detached', timeout: 60_000 });
    const runB = await waitForRun(server.url, runBId);
    const log = await page.evaluate(() => (window as unknown as { __liveLog: LiveSample[] }).__liveLog);
    const finishedAt = Date.parse(runB.finishedAt);

    // While live (the page was never reloaded: the recorder is still the same one) frames kept arriving ...
    const live = log.filter((s) => s.arrived !== null);
    expect(live.length).toBeGreaterThan(0);
    const arrivedSeen = [...new Set(live.map((s) => s.arrived!))];
    expect(arrivedSeen).toEqual([...arrivedSeen].sort((x, y) => x - y)); // never shrinks
    expect(arrivedSeen.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2); // grew at least once after the first frame
    // ... before B finished (the growth was seen before the server wrote B's end) ...
    const max = Math.max(...arrivedSeen);
    const firstPositive = live.find((s) => s.arrived! > 0)!;
    const firstMax = live.find((s) => s.arrived === max)!;
    expect(firstPositive.at).toBeLessThan(firstMax.at);
    expect(firstMax.at).toBeLessThanOrEqual(finishedAt);
    // ... and were drawn as they came: B's pane moved on to newer frames, never ahead of the playhead (A's frame).
    const shownB = live.filter((s) => s.frameB !== null && s.frameA === String(FRAMES - 1)).map((s) => Number(s.frameB));
    const distinctB = [...new Set(shownB)];
    expect(distinctB.length).toBeGreaterThanOrEqual(2);
    expect(distinctB).toEqual([...distinctB].sort((x, y) => x - y));
    expect(Math.max(...distinctB)).toBeLessThanOrEqual(FRAMES - 1);

    // The saved sequence: B's status is final, its zip is the chosen sequence and its frames are fetched.
    await page.waitForSelector('[data-testid=compare-run-b][data-status=succeeded]');
    await page.waitForSelector(`[data-testid=compare-sequence-b]`);
    expect(await page.inputValue('[data-testid=compare-sequence-b]')).toBe(zipOf(runB));
    await expect.poll(() => frameRequests.includes(zipOf(runB))).toBe(true);
    expect(await page.textContent('[data-testid=frame-label]')).toMatch(new RegExp(`/ ${FRAMES - 1}$`));

    // Frame-exact playback: once both sides draw the same frame, they do on every animation frame.
    await page.click('[data-testid=play]');
    await page.waitForFunction((sel) => {
      const el = document.querySelector(sel) as HTMLElement | null;
      return !!el?.dataset.frameA && el.dataset.frameA === el.dataset.frameB;
    }, STAGE);
    const samples = await sampleShown(page, 2000);
    await page.click('[data-testid=play]');
    expect(samples.filter(([a, b]) => a !== b)).toEqual([]);
    expect(new Set(samples.map(([a]) => a)).size).toBeGreaterThanOrEqual(10); // it really played (~24 frames at 12 fps)
    await studio.screenshot('compare-live-after');
  });
});
