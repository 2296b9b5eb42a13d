// Run records end to end: two real runs of the demo workflow that differ in one param, and a third equal to the
// first; the compare view says why (the param, by name and values) and whether the frames agree, and the run
// detail runs a recorded run again exactly.
import { generateDemoClip } from '@lvcd/media';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { apiJson, demoVariant, startRun, waitForRun } from './support/compare';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';

const size = { width: 128, height: 64 };
let server: StudioServer;
let studio: Studio;
let tmp: string;
let runA: any;
let runB: any;
let runC: any;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'lvcd-e2e-record-'));
  server = await startServer();
  const clip = await generateDemoClip(tmp, { frames: 6, ...size, seed: 3 });
  const form = new FormData();
  form.append('file', new Blob([readFileSync(clip.zip)], { type: 'application/zip' }), 'clip.zip');
  const asset = await (await fetch(`${server.url}/api/assets`, { method: 'POST', body: form })).json();
  // Without Quality Metrics, the compare view measures B against A: what the verdict needs.
  runA = await waitForRun(server.url, await startRun(server.url, demoVariant(asset.id, { ...size, gapClose: 3, metrics: false })));
  runB = await waitForRun(server.url, await startRun(server.url, demoVariant(asset.id, { ...size, gapClose: 0, metrics: false })));
  runC = await waitForRun(server.url, await startRun(server.url, demoVariant(asset.id, { ...size, gapClose: 3, metrics: false })));
  studio = await openStudio(server.url);
});

guardStudio('reproducibility', () => ({ server, studio }), () => rmSync(tmp, { recursive: true, force: true }));

async function openCompare(a: string, b: string): Promise<void> {
  await studio.page.evaluate((hash) => (location.hash = hash), `#/compare/${a}/${b}`);
  await studio.page.waitForSelector(`[data-testid=compare-view][data-run-a="${a}"][data-run-b="${b}"]`);
}

describe('run records', () => {
  it('every run ends with its record, naming its input asset by hash', async () => {
    const last = runA.artifacts.at(-1);
    expect(last).toMatchObject({ node: '', name: 'run.json' });
    const record = await apiJson(server.url, 'GET', `/api/artifacts/${last.id}`);
    expect(record.inputs.map((i: { sha256: string }) => i.sha256)).toEqual([runA.document.nodes.find((n: any) => n.id === 'load').params.frames]);
  });

  it('the compare view names the changed param and says the frames differ', async () => {
    await openCompare(runA.id, runB.id);
    const reason = studio.page.locator('[data-testid=why-reason]');
    await reason.first().waitFor();
    expect(await reason.allTextContents()).toEqual(['A param changed: #colorize gapClose is 3 in A and 0 in B.']);
    const verdict = studio.page.locator('[data-testid=why-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-same')).toBe('false');
  });

  it('for two equal runs it says nothing differs and that the frames match, as expected', async () => {
    await openCompare(runA.id, runC.id);
    await studio.page.waitForSelector('[data-testid=why-summary][data-same-expected=true]');
    expect(await studio.page.locator('[data-testid=why-reason]').count()).toBe(0);
    const verdict = studio.page.locator('[data-testid=why-verdict]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-same')).toBe('true');
    await studio.screenshot('compare-why-equal');
  });

  it('the run detail runs a run again exactly, without warnings when nothing changed', async () => {
    const { page } = studio;
    await page.evaluate(() => (location.hash = ''));
    await page.click('[data-testid=tab-history]');
    await page.locator(`[data-testid=history-item][data-run-id="${runA.id}"]`).click();
    await page.waitForSelector('[data-testid=run-detail] [data-testid=rerun-exact]');
    expect(await page.locator('[data-testid=rerun-warning]').count()).toBe(0);
    const before = (await apiJson(server.url, 'GET', '/api/runs?limit=10')).length;
    await page.click('[data-testid=rerun-exact]');
    let runs: any[] = [];
    for (let i = 0; i < 100 && runs.length <= before; i++) {
      runs = await apiJson(server.url, 'GET', '/api/runs?limit=10');
      await new Promise((r) => setTimeout(r, 100));
    }
    const again = await waitForRun(server.url, runs[0].id);
    expect(again.document).toEqual(runA.document);
  });
});
