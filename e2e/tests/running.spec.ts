// A run as it goes, in real Chromium against a real server: per-node progress grows live and the state badge
// goes running -> done; a reload in the middle of a run picks it up again (Socket.IO `subscribe` snapshot) and
// keeps following it without queueing again; a workflow the editor accepts but the server refuses on queue
// shows the refusal on the node and in the problems panel; a bypassed node ends bypassed, and a failure marks the
// param it names.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { node, waitForDoc } from './support/canvas';
import { makePng } from './support/png';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';
import { makeZip } from './support/zip';

let server: StudioServer;
let studio: Studio;

// Enough frames, at a moderate size, for Load Frames and Extract Lineart to take a second or more each (a few
// seconds for the run, whatever the machine: both scale with it, as does the reload in the middle).
const FRAMES = 120;
const W = 400;
const H = 300;
const DISTINCT = 12; // pictures made here, cycled through the clip (encoding them is the test's own cost)

/** A clip of a disc moving over colour bands (edges for the lineart); `seed` makes a clip with other bytes. */
function clip(seed: number): Buffer {
  const pictures = Array.from({ length: DISTINCT }, (_, i) =>
    makePng(W, H, (x, y) => {
      const cx = 60 + i * 25;
      if ((x - cx) ** 2 + (y - H / 2) ** 2 < 50 ** 2) return [240, (seed * 70) % 256, 40];
      return [Math.floor(x / 40) * 25, Math.floor(y / 30) * 25, (seed * 90) % 256];
    }),
  );
  return makeZip(Array.from({ length: FRAMES }, (_, i) => ({ name: `frame_${i + 1}.png`, data: pictures[i % DISTINCT]! })));
}

/** Uploads from the page (same origin and session as the editor); gives the asset id. */
async function uploadAsset(page: Page, name: string, mime: string, bytes: Buffer): Promise<string> {
  return page.evaluate(
    async ([n, m, b64]) => {
      const bytes = Uint8Array.from(atob(b64!), (c) => c.charCodeAt(0));
      const form = new FormData();
      form.append('file', new File([bytes], n!, { type: m }), n);
      const res = await fetch('/api/assets', { method: 'POST', body: form });
      if (!res.ok) throw new Error(`upload ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    [name, mime, bytes.toString('base64')] as const,
  );
}

type Doc = { nodes: { id: string; type: string; params: Record<string, unknown>; position: { x: number; y: number }; bypass?: boolean }[]; links: { from: { node: string; output: string }; to: { node: string; input: string } }[] };

/** Opens a workflow through the page's test hook (as a paste of workflow JSON would). */
async function openWorkflow(page: Page, d: Doc, name: string): Promise<void> {
  await page.evaluate((text) => (window as unknown as { __lvcd: { open(t: string): Promise<boolean> } }).__lvcd.open(text), JSON.stringify({ format: 'lvcd-studio/workflow', version: 1, ...d, meta: { name } }));
  await waitForDoc(page, 'doc.nodes.length === arg.n && doc.links.length === arg.l && doc.meta.name === arg.name', { n: d.nodes.length, l: d.links.length, name });
}

const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });

/** Load Frames -> Extract Lineart -> Preview Frames on the given zip. */
function lineartWorkflow(zip: string): Doc {
  return {
    nodes: [
      { id: '1', type: 'frames/load', params: { frames: zip, fps: 12 }, position: { x: 0, y: 0 } },
      { id: '2', type: 'lineart/extract', params: { extractor: 'xdog' }, position: { x: 340, y: 0 } },
      { id: '3', type: 'output/preview', params: { count: 4 }, position: { x: 680, y: 0 } },
    ],
    links: [link('1', 'frames', '2', 'frames'), link('2', 'sketches', '3', 'frames')],
  };
}

interface Sample {
  t: number;
  node: string;
  status: string;
  value: number | null;
  max: number | null;
  /** The bar's fill width, in % of the bar. */
  width: number | null;
}

/** Samples of every node's state badge and progress bar, taken on each DOM change (reinstalled on each load). */
function recordNodes(): void {
  const w = window as unknown as { __samples: Sample[]; __loads: number };
  w.__samples = [];
  const take = (): void => {
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid=node]')) {
      const bar = el.querySelector<HTMLElement>('[data-testid=node-progress]');
      const sample = {
        t: performance.now(),
        node: el.dataset.nodeId ?? '',
        status: el.querySelector('[data-testid=node-status]')?.textContent?.trim().split(/\s/)[0] ?? '',
        value: bar ? Number(bar.dataset.value) : null,
        max: bar ? Number(bar.dataset.max) : null,
        width: bar ? parseFloat((bar.firstElementChild as HTMLElement | null)?.style.width ?? '') : null,
      };
      const last = [...w.__samples].reverse().find((s) => s.node === sample.node);
      if (!last || last.status !== sample.status || last.value !== sample.value || last.max !== sample.max) w.__samples.push(sample);
    }
  };
  const start = (): void => new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
}

const resetSamples = (page: Page) => page.evaluate(() => void ((window as unknown as { __samples: Sample[] }).__samples = []));
const samples = (page: Page, id: string) => page.evaluate((n) => (window as unknown as { __samples: Sample[] }).__samples.filter((s) => s.node === n), id);

/** Waits until node `id` showed, while running, a progress value above `above` and below its max. */
async function waitForProgressAbove(page: Page, id: string, above: number): Promise<number> {
  const handle = await page.waitForFunction(
    ([n, a]) => {
      const s = (window as unknown as { __samples: Sample[] }).__samples.find((x) => x.node === n && x.status === 'running' && x.value !== null && x.value > a! && x.max !== null && x.value < x.max);
      return s ? s.value : false;
    },
    [id, above] as const,
    { timeout: 30_000 },
  );
  return (await handle.jsonValue()) as number;
}

async function listRuns(): Promise<{ id: string; status: string }[]> {
  return (await (await fetch(`${server.url}/api/runs?limit=50`)).json()) as { id: string; status: string }[];
}

beforeAll(async () => {
  server = await startServer();
  studio = await openStudio(server.url);
  await studio.page.addInitScript(recordNodes);
  await studio.page.evaluate(recordNodes);
});


guardStudio('running', () => ({ server, studio }));

describe('running', () => {
  it('shows per-node progress growing while a node runs, and its state going running -> done', async () => {
    const { page } = studio;
    const zip = await uploadAsset(page, 'clip-a.zip', 'application/zip', clip(1));
    await openWorkflow(page, lineartWorkflow(zip), 'Progress');
    await expect.poll(() => page.locator('[data-testid=problem]').count()).toBe(0);

    await resetSamples(page);
    await page.click('[data-testid=queue]');
    // The lineart node's bar is read from the DOM as it runs: a first value, then a larger one, both short of max.
    const first = await waitForProgressAbove(page, '2', 0);
    await waitForProgressAbove(page, '2', first);
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")', { timeout: 60_000 });
    for (const id of ['1', '2', '3']) await page.waitForSelector(`${node(id)}[data-status=done] [data-testid=node-status]:text("done")`);

    const seen = await samples(page, '2');
    const statuses = seen.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]);
    expect(statuses.slice(-2)).toEqual(['running', 'done']);
    const values = seen.filter((s) => s.status === 'running' && s.value !== null).map((s) => s.value!);
    expect(values.length).toBeGreaterThanOrEqual(2);
    // Progress never goes back while the node runs, and the max is the frame count.
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(seen.find((s) => s.max)?.max).toBe(FRAMES);
    // The bar's fill width follows the value; the bar is gone once the node is done.
    for (const s of seen.filter((x) => x.status === 'running' && x.value !== null)) expect(s.width).toBeCloseTo((s.value! / s.max!) * 100, 3);
    expect(await page.locator(`${node('2')} [data-testid=node-progress]`).count()).toBe(0);
    await page.waitForSelector(`${node('3')} [data-testid=filmstrip]`);
  });

  it('picks a running run up again after a reload and follows it to the end without queueing again', async () => {
    const { page } = studio;
    const zip = await uploadAsset(page, 'clip-b.zip', 'application/zip', clip(2));
    await openWorkflow(page, lineartWorkflow(zip), 'Resume');
    await expect.poll(() => page.locator('[data-testid=problem]').count()).toBe(0);
    const before = await listRuns();

    await resetSamples(page);
    await page.keyboard.press('Control+Enter');
    // Reload while Load Frames is still on its way: everything after that must come back from the server.
    await waitForProgressAbove(page, '1', 0);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    const loadedAt = await page.evaluate(() => performance.now());

    // The running run is shown again: state from the snapshot, then live progress that keeps growing.
    await page.waitForSelector('[data-testid=run-state]:text("running")');
    const first = await waitForProgressAbove(page, '2', 0);
    await waitForProgressAbove(page, '2', first);
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")', { timeout: 60_000 });
    for (const id of ['1', '2', '3']) await page.waitForSelector(`${node(id)}[data-status=done]`);
    await page.waitForSelector(`${node('3')} [data-testid=filmstrip]`);

    const after = (await samples(page, '2')).filter((s) => s.t >= loadedAt);
    expect(after.filter((s) => s.status === 'running' && s.value !== null).length).toBeGreaterThanOrEqual(2);
    expect(after.at(-1)?.status).toBe('done');

    // One run more, the one queued before the reload, and it succeeded; the page shows that run.
    const runs = await listRuns();
    const added = runs.filter((r) => !before.some((b) => b.id === r.id));
    expect(added).toHaveLength(1);
    expect(added[0]!.status).toBe('succeeded');
    expect(await page.evaluate(() => localStorage.getItem('lvcd-studio:active-run'))).toBe(added[0]!.id);
  });

  it('shows a refusal of the server on queue on the node and in the problems panel', async () => {
    const { page } = studio;
    const missing = 'ab'.repeat(32); // a well-formed asset id the server has never seen
    await openWorkflow(
      page,
      {
        nodes: [
          { id: '1', type: 'image/load', params: { image: missing }, position: { x: 0, y: 0 } },
          { id: '2', type: 'image/save', params: { name: 'refused' }, position: { x: 340, y: 0 } },
        ],
        links: [link('1', 'image', '2', 'image')],
      },
      'Refused',
    );
    // The editor's live validation has nothing against it.
    await expect.poll(() => page.locator('[data-testid=problem]').count()).toBe(0);
    expect(await page.locator(`${node('1')}.problem`).count()).toBe(0);
    const before = await listRuns();

    await page.click('[data-testid=canvas]', { position: { x: 30, y: 30 } });
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid=toast][data-kind=error]', { hasText: 'Not queued' }).waitFor();
    const problem = page.locator('[data-testid=problems-panel] [data-testid=problem][data-code=unknown-asset][data-node="1"]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('not in the asset store');
    await page.waitForSelector(`${node('1')}.problem [data-testid=node-problems]`);
    expect(await page.textContent(`${node('1')} [data-testid=node-problems]`)).toContain('not in the asset store');
    expect(await page.locator(`${node('2')}.problem`).count()).toBe(0);
    expect((await listRuns()).length).toBe(before.length);
    await studio.screenshot('running-refused');
  });

  it('labels a bypassed node bypassed after the run, and marks the param a failure names', async () => {
    const { page } = studio;
    const zip = await uploadAsset(page, 'three.zip', 'application/zip', makeZip([0, 1, 2].map((i) => ({ name: `frame_${i + 1}.png`, data: makePng(32, 24, () => [i * 80, 40, 200]) }))));
    const chain = (index: number): Doc => ({
      nodes: [
        { id: '1', type: 'frames/load', params: { frames: zip, fps: 12 }, position: { x: 0, y: 0 } },
        { id: '2', type: 'frames/get-frame', params: { index }, position: { x: 340, y: 0 } },
        { id: '3', type: 'image/invert', params: {}, position: { x: 680, y: 0 }, bypass: true },
        { id: '4', type: 'image/save', params: { name: 'bypassed' }, position: { x: 1020, y: 0 } },
      ],
      links: [link('1', 'frames', '2', 'frames'), link('2', 'image', '3', 'image'), link('3', 'image', '4', 'image')],
    });
    await openWorkflow(page, chain(1), 'Bypass');
    await page.click('[data-testid=canvas]', { position: { x: 30, y: 30 } });
    await page.keyboard.press('Control+Enter');
    // Node 4 is new to this page, so its state is this run's; the bypassed node's terminal event came before it.
    await page.waitForSelector(`${node('4')}[data-status=done], ${node('4')}[data-status=cached]`, { timeout: 60_000 });
    await page.waitForSelector(`${node('3')}[data-status=bypassed] [data-testid=node-status]:text("bypassed")`);
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")');

    await openWorkflow(page, chain(10), 'Past the end');
    await page.click('[data-testid=canvas]', { position: { x: 30, y: 30 } });
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector(`${node('2')}[data-status=failed]`, { timeout: 60_000 });
    const param = page.locator(`${node('2')} [data-param=index][data-fault=true]`);
    await param.waitFor();
    expect(await param.getAttribute('title')).toContain('past the end of the sequence (3 frames)');
    const problem = page.locator('[data-testid=problems-panel] [data-testid=problem][data-code=run-failed][data-node="2"][data-field=index]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('index: frame 10 is past the end');
    await studio.screenshot('running-bypass-and-field');
  });
});
