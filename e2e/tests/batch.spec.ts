// Batch count and workers, in real Chromium against a real server (`lvcd serve --run-demo`, embedded worker): the Workers
// panel opens from the canvas menu and lists the embedded worker, kept fresh while open; a batch count of 3 next
// to Queue queues the LVCD template 3 times with seeds 1234, 1235, 1236 (ComfyUI's batch count stepping the seed),
// the 3 runs show in History, and a run's detail says which worker took it.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { waitForDoc } from './support/canvas';
import { apiJson } from './support/compare';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';

let server: StudioServer;
let studio: Studio;

const TEMPLATE = 'LVCD: colour a clip from its first frame';
type RunDoc = { id: string; createdAt: string; workflowName?: string; document: { nodes: { id: string; params: Record<string, unknown> }[] } };

const seen = (page: Page) => page.locator('[data-testid=worker] [data-testid=worker-seen]').first().textContent();

/** The runs so far, newest first. */
const runs = async () => (await apiJson(server.url, 'GET', '/api/runs?limit=500')) as (RunDoc & { status: string })[];

beforeAll(async () => {
  // `--run-demo` (what `npm start` runs) seeds the LVCD template; its demo run is let finish so the worker is idle.
  server = await startServer({ runDemo: true });
  const deadline = Date.now() + 90_000;
  for (let r = await runs(); r.length === 0 || r.some((x) => x.status === 'queued' || x.status === 'running'); r = await runs()) {
    if (Date.now() > deadline) throw new Error(`the demo run did not finish within 90 s:\n${server.log()}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  studio = await openStudio(server.url);
});

guardStudio('batch', () => ({ server, studio }));

describe('workers and batch runs', () => {
  it('opens the Workers panel from the canvas menu: the embedded worker, on the CPU, heard from while the panel is open', async () => {
    const { page } = studio;
    await page.click('[data-testid=workflow-menu]');
    await page.click('[data-testid=context-menu-item][data-command="workflow.new"]');
    await waitForDoc(page, 'doc.nodes.length === 0');
    await page.click('[data-testid=canvas]', { button: 'right', position: { x: 300, y: 300 } });
    await page.click('[data-testid=context-menu-item][data-command="view.workers"]');
    const row = page.locator('[data-testid=worker]');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.first().locator('[data-testid=worker-device]').textContent()).toBe('CPU');
    expect(await row.first().locator('[data-testid=worker-memory]').textContent()).toMatch(/ used of .* free$/);
    expect(await row.first().locator('[data-testid=worker-load]').textContent()).toBe('0 / 1 running');
    // Two refreshes later it is still heard from: the panel polls while open.
    await page.waitForTimeout(4500);
    expect(await seen(page)).toMatch(/^(just now|[12] s ago)$/);
    expect(await row.first().getAttribute('class')).not.toContain('stale');
  });

  it('queues a batch of 3 of the LVCD template with the seed stepped, and lists the 3 runs in History', async () => {
    const { page } = studio;
    await page.click('[data-testid=tab-workflows]');
    await page.locator('[data-testid=open-workflow]', { hasText: TEMPLATE }).click();
    await waitForDoc(page, 'doc.meta.name === arg', TEMPLATE);
    const before = (await runs()).length;
    await page.fill('[data-testid=batch-count]', '3');
    await page.press('[data-testid=batch-count]', 'Tab');
    await page.locator('[data-testid=batch-seed]').waitFor();
    await page.click('[data-testid=queue]');
    await page.locator('[data-testid=toast]', { hasText: 'Queued 3 runs (seed of #colorize: 1234 to 1236)' }).waitFor();

    const listed = await runs();
    expect(listed.length).toBe(before + 3);
    const batch = listed.slice(0, 3).reverse(); // newest first: the batch's run 0 is the oldest of the three
    expect(batch.every((r) => r.workflowName === TEMPLATE)).toBe(true);
    const seeds = await Promise.all(batch.map(async (r) => ((await apiJson(server.url, 'GET', `/api/runs/${r.id}`)) as RunDoc).document.nodes.find((n) => n.id === 'colorize')!.params.seed));
    expect(seeds).toEqual([1234, 1235, 1236]);

    await page.click('[data-testid=tab-history]');
    for (const r of batch) await page.locator(`[data-testid=history-item][data-run-id="${r.id}"]`).waitFor();
    // The canvas follows the batch's first run.
    expect(await page.evaluate(() => localStorage.getItem('lvcd-studio:active-run'))).toBe(batch[0]!.id);

    // Each run executed on the embedded worker (no bundle is installed, so they end failed at the bundle).
    for (const r of batch) await expect.poll(async () => ((await apiJson(server.url, 'GET', `/api/runs/${r.id}`)) as { status: string }).status, { timeout: 60_000 }).toMatch(/failed|succeeded/);
    await page.locator(`[data-testid=history-item][data-run-id="${batch[1]!.id}"]`).click();
    const attempt = page.locator('[data-testid=run-detail] [data-testid=run-attempt]');
    await attempt.first().waitFor();
    expect(await attempt.allTextContents()).toEqual([expect.stringMatching(/^\S+ on \S+ took it at /)]);
    await studio.screenshot('batch-run-detail');
  });
});
