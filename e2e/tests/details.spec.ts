// Issue 13's smaller items where a user meets them, in real Chromium against a real server: param tooltips, frame
// numbers bounded by the clip and clamping that says so, the seed's die without emoji fonts; a cancel that says it
// was heard and where the run stopped; compare pages for a run that does not exist, a side without frames and a
// diff of effective values; the Preview counter; the problems panel and the minimap leaving nodes and sockets
// alone; the queue tab's label on one line.
import type { WorkflowDocument } from '@lvcd/nodes';
import { lvcdTemplateWorkflow } from '@lvcd/nodes/catalogue';
import type { Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { doc, drag, inSocket, moveNode, node, outSocket, waitForDoc } from './support/canvas';
import { apiJson, startRun, waitForRun } from './support/compare';
import { guardStudio } from './support/guard';
import { makePng } from './support/png';
import { startServer, type StudioServer } from './support/server';
import { makeZip } from './support/zip';

let server: StudioServer;
let studio: Studio;
let clipId: string;
const FRAMES = 12;

guardStudio('details', () => ({ server, studio }));

type Doc = Pick<WorkflowDocument, 'nodes' | 'links'>;
const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });

/** Load Frames → Get Frame → Save Image, Load Frames → Preview and → Save Frames. */
function clipWorkflow(extra: Record<string, number> = {}): Doc {
  return {
    nodes: [
      { id: 'load', type: 'frames/load', params: { frames: clipId }, position: { x: 0, y: 0 } },
      { id: 'get', type: 'frames/get-frame', params: { ...extra }, position: { x: 320, y: 0 } },
      { id: 'save', type: 'image/save', params: {}, position: { x: 640, y: 0 } },
      { id: 'preview', type: 'output/preview', params: {}, position: { x: 320, y: 260 } },
      { id: 'zip', type: 'output/save-frames', params: {}, position: { x: 640, y: 260 } },
    ],
    links: [link('load', 'frames', 'get', 'frames'), link('get', 'image', 'save', 'image'), link('load', 'frames', 'preview', 'frames'), link('load', 'frames', 'zip', 'frames')],
  };
}

async function openWorkflow(page: Page, d: Doc, name: string): Promise<void> {
  await page.evaluate((text) => (window as unknown as { __lvcd: { open(t: string): Promise<boolean> } }).__lvcd.open(text), JSON.stringify({ format: 'lvcd-studio/workflow', version: 1, ...d, meta: { name } }));
  await waitForDoc(page, 'doc.nodes.length === arg.n && doc.meta.name === arg.name', { n: d.nodes.length, name });
}

const toasts = (page: Page) => page.locator('[data-testid=toast]').allTextContents();

beforeAll(async () => {
  server = await startServer();
  const pictures = Array.from({ length: FRAMES }, (_, i) => makePng(64, 48, (x) => [(x * 4 + i * 20) % 256, 90, 160]));
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(makeZip(pictures.map((data, i) => ({ name: `frame_${i + 1}.png`, data }))))], { type: 'application/zip' }), 'clip.zip');
  const res = await fetch(`${server.url}/api/assets`, { method: 'POST', body: form });
  clipId = ((await res.json()) as { id: string }).id;
  studio = await openStudio(server.url);
});

describe('params', () => {
  it("bound Get Frame's index by the clip once a run reported its length, and say so when a typed value is clamped", async () => {
    const { page } = studio;
    await openWorkflow(page, clipWorkflow(), 'details');
    const index = `${node('get')} [data-param=index]`;
    // Before any run the clip's length is unknown: the schema's range.
    expect(await page.getAttribute(`${index} input[type=range]`, 'max')).toBe('1000000');
    expect(await page.getAttribute(index, 'title')).toBe('Frame — Index of the frame to take, counted from 0 (the first frame is 0); an index past the end fails the node.');
    await page.click('[data-testid=queue]');
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")');
    await page.waitForFunction((sel) => document.querySelector(`${sel} input[type=range]`)?.getAttribute('max') === '11', index);
    const field = page.locator(`${index} input.w-field`);
    await field.fill('40');
    await field.press('Enter');
    expect(await page.locator(`${index} [data-testid=clamp-notice]`).textContent()).toBe("40 is past the clip's last frame (11): set to 11");
    await waitForDoc(page, "doc.nodes.find((n) => n.id === 'get').params.index === 11");
    // The field's change on leaving it (after Enter) keeps the notice; typing again clears it.
    await page.click(`${node('get')} .lnode-title`);
    expect(await page.locator(`${index} [data-testid=clamp-notice]`).count()).toBe(1);
    await field.fill('3');
    expect(await page.locator(`${index} [data-testid=clamp-notice]`).count()).toBe(0);
    await studio.screenshot('details-frame-bound');
  });

  it("counts Preview's frames as clip frames of the clip's length, never past it", async () => {
    const { page } = studio;
    const counter = page.locator(`${node('preview')} [data-testid=filmstrip-counter]`);
    await counter.waitFor();
    // 8 frames spread over 12, indexed by clip frame: each reading is "n / 12" with n up to 12.
    for (let i = 0; i < 6; i++) {
      const [n, of] = (await counter.textContent())!.split(' / ').map(Number);
      expect(of).toBe(FRAMES);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(FRAMES);
      await page.waitForTimeout(90);
    }
  });

  it('draws the seed die as an SVG that has a size without emoji fonts', async () => {
    const { page } = studio;
    await openWorkflow(page, { nodes: [{ id: 'lvcd', type: 'lvcd/colorize', params: {}, position: { x: 0, y: 0 } }], links: [] }, 'seed');
    const die = page.locator(`${node('lvcd')} [data-param=seed] button.w-randomise svg`);
    const box = await die.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(12);
    expect(box!.height).toBeGreaterThanOrEqual(12);
    expect((await page.locator(`${node('lvcd')} [data-param=seed] button.w-randomise`).textContent())!.trim()).toBe('');
  });
});

describe('layout', () => {
  it('docks the problems panel under the canvas, clear of the nodes', async () => {
    const { page } = studio;
    // The LVCD node still open from the seed test misses its inputs: the panel lists them.
    await page.waitForSelector('[data-testid=problems-panel]');
    const panel = (await page.locator('[data-testid=problems-panel]').boundingBox())!;
    const canvas = (await page.locator('[data-testid=canvas]').boundingBox())!;
    expect(canvas.y + canvas.height).toBeLessThanOrEqual(panel.y + 1);
    await page.click('[data-testid=fit]');
    const lvcd = (await page.locator(node('lvcd')).boundingBox())!;
    expect(lvcd.y + lvcd.height).toBeLessThanOrEqual(panel.y + 1);
    await studio.screenshot('details-problems-docked');
  });

  it('lets a link be dragged from a socket under the minimap', async () => {
    const { page } = studio;
    await openWorkflow(page, { nodes: [{ id: 'load', type: 'frames/load', params: { frames: clipId }, position: { x: 0, y: 0 } }, { id: 'get', type: 'frames/get-frame', params: {}, position: { x: 0, y: 300 } }], links: [] }, 'minimap');
    const map = (await page.locator('[data-testid=minimap]').boundingBox())!;
    const socket = (await page.locator(outSocket('load', 'frames')).boundingBox())!;
    const title = (await page.locator(`${node('load')} .lnode-title`).boundingBox())!;
    // Load Frames moved so that its output socket sits in the middle of the minimap.
    await moveNode(page, 'load', { x: map.x + map.width / 2 - (socket.x - title.x) - socket.width / 2 + title.width / 2, y: map.y + map.height / 2 - (socket.y - title.y) - socket.height / 2 + title.height / 2 });
    const moved = (await page.locator(outSocket('load', 'frames')).boundingBox())!;
    const at = { x: moved.x + moved.width / 2, y: moved.y + moved.height / 2 };
    expect(at.x > map.x && at.x < map.x + map.width && at.y > map.y && at.y < map.y + map.height).toBe(true);
    await drag(page, outSocket('load', 'frames'), inSocket('get', 'frames'));
    await waitForDoc(page, "doc.links.length === 1 && doc.links[0].from.node === 'load' && doc.links[0].to.node === 'get'");
    expect((await doc(page)).links).toHaveLength(1);
  });
});

describe('cancel', () => {
  it("says 'Cancelling…' at once and then where the run stopped; the Queue tab's count stays on one line", async () => {
    const { page } = studio;
    await openWorkflow(
      page,
      {
        nodes: [
          { id: 'load', type: 'frames/load', params: { frames: clipId }, position: { x: 0, y: 0 } },
          { id: 'get', type: 'frames/get-frame', params: {}, position: { x: 320, y: 0 } },
          { id: 'wait', type: 'utility/delay', params: { ms: 60_000 }, position: { x: 640, y: 0 } },
          { id: 'save', type: 'image/save', params: {}, position: { x: 960, y: 0 } },
        ],
        links: [link('load', 'frames', 'get', 'frames'), link('get', 'image', 'wait', 'image'), link('wait', 'image', 'save', 'image')],
      },
      'cancel',
    );
    await page.click('[data-testid=queue]');
    await page.waitForFunction(() => Number(document.querySelector('[data-node-id="wait"] [data-testid=node-progress]')?.getAttribute('data-value')) >= 500);
    const tab = page.locator('[data-testid=tab-queue]');
    expect((await tab.textContent())!.trim()).toBe('queue (1)');
    expect(await tab.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(false);
    expect((await tab.boundingBox())!.height).toBeLessThan(40);
    const started = Date.now();
    await page.click('[data-testid=cancel]');
    expect(await toasts(page)).toContain('Cancelling…');
    await page.waitForSelector('[data-testid=run-state]:text("cancelled")');
    const stoppedMs = Date.now() - started;
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=toast]')].some((t) => t.textContent?.startsWith('Cancelled at ')));
    const said = (await toasts(page)).find((t) => t.startsWith('Cancelled at '))!;
    expect(said).toMatch(/^Cancelled at \d+\/60000 of node #wait$/);
    console.log(`cancel: stopped ${stoppedMs} ms after the click; toast "${said}"`);
    expect(stoppedMs).toBeLessThan(5000);
  });
});

describe('compare', () => {
  let finished: string;
  let explicitDefault: string;
  let cancelled: string;

  beforeAll(async () => {
    const document = (d: Doc): WorkflowDocument => ({ format: 'lvcd-studio/workflow', version: 1, ...d, meta: {} });
    finished = (await waitForRun(server.url, await startRun(server.url, document(clipWorkflow())))).id;
    // The same workflow with Get Frame's index set to its default, 0: no difference in what runs.
    explicitDefault = (await waitForRun(server.url, await startRun(server.url, document(clipWorkflow({ index: 0 }))))).id;
    const runs = (await apiJson(server.url, 'GET', '/api/runs?limit=50')) as { id: string; status: string }[];
    cancelled = runs.find((r) => r.status === 'cancelled')!.id;
  });

  async function openPair(a: string, b: string): Promise<Page> {
    const { page } = studio;
    await page.evaluate((hash) => (location.hash = hash), `#/compare/${a}/${b}`);
    await page.waitForSelector(`[data-testid=compare-view][data-run-b="${b}"]`);
    return page;
  }

  it('says a run id with no run was not found, instead of waiting', async () => {
    const missing = randomUUID();
    const page = await openPair(finished, missing);
    const error = page.locator('[data-testid=compare-error-b]');
    await error.waitFor();
    expect(await error.textContent()).toBe(`Run ${missing} was not found: it was deleted, or the link names no run.`);
    expect(await page.locator('[data-testid=compare-lack-b]').textContent()).toContain('was not found');
    expect(await page.locator('[data-testid=diff-unavailable]').textContent()).toContain(`B: Run ${missing} was not found`);
    await page.waitForFunction(() => document.querySelector('[data-testid=metrics-note]')?.textContent?.startsWith('No metrics. B: Run '));
    await studio.screenshot('details-compare-not-found');
  });

  it('names the side without a frame sequence, on its pane and in the metrics note', async () => {
    const page = await openPair(finished, cancelled);
    await page.waitForSelector('[data-testid=compare-lack-b]');
    expect(await page.locator('[data-testid=compare-lack-b]').textContent()).toContain('This run has no frame sequence to compare (status cancelled');
    expect(await page.locator('[data-testid=compare-lack-a]').count()).toBe(0);
    await page.waitForFunction(() => document.querySelector('[data-testid=metrics-note]')?.textContent?.startsWith('No metrics. B: This run has no frame sequence'));
  });

  it('diffs effective values: a default set explicitly is no difference, and an unset param shows its default', async () => {
    const page = await openPair(finished, explicitDefault);
    await page.waitForSelector('[data-testid=diff-count]:text("0 differences")');
    await page.uncheck('[data-testid=only-differences]');
    const row = page.locator('[data-testid=diff-row][data-node=get][data-key=index]');
    expect(await row.getAttribute('data-same')).toBe('true');
    expect((await row.locator('td').allTextContents()).slice(2)).toEqual(['0 (default)', '0']);
    await page.check('[data-testid=only-differences]');
    await page.click('[data-testid=compare-close]');
  });
});

describe('seed control after run', () => {
  it('keeps the control in the document and moves the seed on once a run is queued, the run keeping the seed it was sent with', async () => {
    const { page } = studio;
    // The LVCD template on the test clip: queued, it is accepted (the bundle is looked for when it runs).
    await openWorkflow(page, lvcdTemplateWorkflow({ frames: clipId }), 'seeded lvcd');
    const seed = `${node('colorize')} [data-param=seed]`;
    await page.selectOption(`${seed} [data-testid=seed-control]`, 'increment');
    await waitForDoc(page, "doc.nodes.find((n) => n.id === 'colorize').ui?.afterRun?.seed === 'increment'");
    const before = Number(await page.inputValue(`${seed} input.w-field`));
    await page.click('[data-testid=queue]');
    await waitForDoc(page, "doc.nodes.find((n) => n.id === 'colorize').params.seed === arg", before + 1);
    expect(await page.inputValue(`${seed} input.w-field`)).toBe(String(before + 1));
    // The run queued was sent with the seed before the move.
    const runs = (await apiJson(server.url, 'GET', '/api/runs?limit=1')) as { id: string }[];
    const run = await apiJson(server.url, 'GET', `/api/runs/${runs[0]!.id}`);
    const colorize = (run.document as WorkflowDocument).nodes.find((n) => n.id === 'colorize')!;
    expect(colorize.params.seed ?? 1234).toBe(before);
    // Undo puts the seed back: the move is one edit.
    await page.click('[data-testid=undo]');
    await waitForDoc(page, "(doc.nodes.find((n) => n.id === 'colorize').params.seed ?? 1234) === arg", before);
  });
});

describe('downloads', () => {
  it('logs nothing when the browser drops a download half way (a closed tab, a cancelled fetch)', async () => {
    const { page } = studio;
    // Noise does not compress: about 7 MB, more than the socket buffers hold, so the answer is cut mid-stream.
    const noise = makePng(1500, 1500, () => [Math.floor(Math.random() * 256), Math.floor(Math.random() * 256), Math.floor(Math.random() * 256)]);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(noise)], { type: 'image/png' }), 'noise.png');
    const { id } = (await (await fetch(`${server.url}/api/assets`, { method: 'POST', body: form })).json()) as { id: string };
    const logged = server.log().length;
    const received = await page.evaluate(async (asset) => {
      const sizes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const controller = new AbortController();
        const res = await fetch(`/api/assets/${asset}`, { signal: controller.signal, cache: 'no-store' });
        const first = await res.body!.getReader().read();
        sizes.push(first.value?.length ?? 0);
        controller.abort();
      }
      return sizes;
    }, id);
    expect(received.every((n) => n > 0 && n < noise.length)).toBe(true);
    await page.waitForTimeout(500);
    const after = server.log().slice(logged);
    expect(after).not.toMatch(/ERR_STREAM_PREMATURE_CLOSE|ECONNRESET|ERROR/);
  });
});
