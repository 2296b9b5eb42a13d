// Workflows as a user meets them after `npm start`, in real Chromium against `lvcd serve --run-demo`: the first
// visit opens the seeded demo on its live run; the toolbar's run status says running whenever a node runs, run
// after run; node state stays with the run of the workflow it belongs to (open, import, new, a new node); saving
// the seeded demo forks a copy under a new name; Save as, Delete; a later visit opens the last workflow, or the
// demo when that was deleted.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { doc, node, waitForDoc } from './support/canvas';
import { apiJson } from './support/compare';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';

let server: StudioServer;
let studio: Studio;

const DEMO = 'Demo: flat colorization';
const TEMPLATE = 'LVCD: colour a clip from its first frame';
type Summary = { id: string; name: string; version: number; seed?: string };
type Doc = Awaited<ReturnType<typeof doc>>;

const workflows = (): Promise<Summary[]> => apiJson(server.url, 'GET', '/api/workflows');
const statuses = (page: Page) => page.locator('[data-testid=node-status]').allTextContents();
const nameField = (page: Page) => page.locator('[data-testid=workflow-name]').inputValue();

/** Pairs of (toolbar run status, whether some node shows running), sampled on every DOM change from now on. */
function recordBadge(): void {
  const w = window as unknown as { __badge: [string, boolean][] };
  w.__badge = [];
  const take = (): void => {
    const badge = document.querySelector('[data-testid=run-state]')?.textContent?.trim() ?? '';
    const running = [...document.querySelectorAll('[data-testid=node-status]')].some((el) => el.textContent?.trim().startsWith('running'));
    const last = w.__badge.at(-1);
    if (!last || last[0] !== badge || last[1] !== running) w.__badge.push([badge, running]);
  };
  new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}

/** Opens a document as an import would (the page's test hook, as a paste of workflow JSON). */
async function importDoc(page: Page, d: Doc, name: string): Promise<void> {
  await page.evaluate((text) => (window as unknown as { __lvcd: { open(t: string): Promise<boolean> } }).__lvcd.open(text), JSON.stringify({ ...d, meta: { name } }));
  await waitForDoc(page, 'doc.meta.name === arg', name);
}

/** `d` with its nodes renamed 1, 2, 3… (the ids the editor gives new nodes). */
function numbered(d: Doc): Doc {
  const ids = new Map(d.nodes.map((n, i) => [n.id, String(i + 1)]));
  return {
    ...d,
    nodes: d.nodes.map((n) => ({ ...n, id: ids.get(n.id)! })),
    links: d.links.map((l) => ({ from: { ...l.from, node: ids.get(l.from.node)! }, to: { ...l.to, node: ids.get(l.to.node)! } })),
  };
}

async function workflowMenu(page: Page, command: string): Promise<void> {
  await page.click('[data-testid=workflow-menu]');
  await page.click(`[data-testid=context-menu-item][data-command="${command}"]`);
}

async function openFromPanel(page: Page, name: string): Promise<void> {
  await page.click('[data-testid=tab-workflows]');
  await page.locator('[data-testid=open-workflow]', { hasText: name }).click();
  await expect.poll(() => nameField(page)).toBe(name);
}

beforeAll(async () => {
  server = await startServer({ runDemo: true });
  // `--run-demo` seeds and queues after the server answers: wait for the demo run, as a user opening the link would.
  for (let waited = 0; ((await apiJson(server.url, 'GET', '/api/runs')) as unknown[]).length === 0; waited += 200) {
    if (waited > 60_000) throw new Error(`no demo run within 60 s:\n${server.log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  studio = await openStudio(server.url);
});

guardStudio('workflows', () => ({ server, studio }));

describe('workflows', () => {
  it('opens the seeded demo on a first visit, attached to the run npm start queued', async () => {
    const { page } = studio;
    expect(await nameField(page)).toBe(DEMO);
    expect(await page.locator('[data-testid=save-state]').textContent()).toContain('seeded');
    await page.waitForSelector('[data-testid=run-state]');
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")', { timeout: 120_000 });
    const shown = await statuses(page);
    expect(shown.length).toBe((await doc(page)).nodes.length);
    expect(shown.every((s) => /^(done|cached)/.test(s))).toBe(true);
  });

  it('shows the run as running whenever one of its nodes runs, for every run', async () => {
    const { page } = studio;
    const demo = await doc(page);
    await page.evaluate(recordBadge);
    for (let i = 1; i <= 3; i++) {
      // A new line threshold each time: Flow Colorize really runs (and shows running) instead of coming from the cache.
      const variant = structuredClone(demo);
      variant.nodes = variant.nodes.filter((n) => n.type !== 'metrics/quality');
      variant.links = variant.links.filter((l) => variant.nodes.some((n) => n.id === l.to.node));
      variant.nodes.find((n) => n.type === 'colorize/flow')!.params = { lineThreshold: 100 + i };
      await importDoc(page, variant, `Variant ${i}`);
      await page.click('[data-testid=queue]');
      await page.waitForSelector('[data-testid=run-state]:text("succeeded")', { timeout: 120_000 });
    }
    const badge = await page.evaluate(() => (window as unknown as { __badge: [string, boolean][] }).__badge);
    expect(badge.filter(([status, running]) => running && status !== 'running')).toEqual([]);
    // Each run went through running on its way to succeeded.
    const shown = badge.map(([s]) => s).filter((s, k, all) => s && s !== all[k - 1]);
    expect(shown.filter((s) => s === 'running')).toHaveLength(3);
  });

  it('keeps run state with its own workflow: opening, importing, a new node and New show none of it', async () => {
    const { page } = studio;
    expect((await statuses(page)).length).toBeGreaterThan(0); // the last variant's run, shown
    await openFromPanel(page, TEMPLATE);
    expect(await statuses(page)).toEqual([]);
    expect(await page.locator('[data-testid=run-state]').count()).toBe(0);
    expect(await page.locator('[data-testid=node-error], [data-testid=filmstrip] img').count()).toBe(0);

    // The demo with numbered nodes: a node added after deleting the last one gets its id back.
    await openFromPanel(page, DEMO);
    const before = numbered(await doc(page));
    await importDoc(page, before, 'Numbered');
    await page.click('[data-testid=queue]');
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")', { timeout: 120_000 });
    expect((await statuses(page)).length).toBe(before.nodes.length);
    // A node added under the id of one deleted after the run never shows that node's DONE.
    const last = before.nodes.at(-1)!;
    await page.click(`${node(last.id)} .lnode-title`);
    await page.keyboard.press('Delete');
    await waitForDoc(page, 'doc.nodes.length === arg', before.nodes.length - 1);
    await page.click('[data-testid=tab-nodes]');
    await page.click(`[data-testid=palette-item][data-type="${last.type}"]`);
    await waitForDoc(page, 'doc.nodes.length === arg', before.nodes.length);
    expect((await doc(page)).nodes.at(-1)!.id).toBe(last.id);
    expect(await page.locator(`${node(last.id)} [data-testid=node-status]`).count()).toBe(0);

    await importDoc(page, before, 'Imported');
    expect(await statuses(page)).toEqual([]);
    await workflowMenu(page, 'workflow.new');
    await waitForDoc(page, 'doc.nodes.length === 0');
    expect(await nameField(page)).toBe('Untitled');
    expect(await page.locator('[data-testid=run-state]').count()).toBe(0);
  });

  it('saves changes to the seeded demo as a new workflow, never over it; Delete removes a copy, not the demo', async () => {
    const { page } = studio;
    await openFromPanel(page, DEMO);
    const seeded = (await workflows()).find((w) => w.seed === 'demo')!;
    page.once('dialog', (d) => void d.accept('My demo'));
    await page.keyboard.press('Control+s');
    await expect.poll(() => nameField(page)).toBe('My demo');
    await expect.poll(() => page.locator('[data-testid=save-state]').textContent()).toBe('v1');
    const after = await workflows();
    expect(after.find((w) => w.id === seeded.id)).toMatchObject({ name: DEMO, version: 1, seed: 'demo' });
    expect(after.filter((w) => w.name === 'My demo')).toHaveLength(1);

    page.once('dialog', (d) => void d.accept());
    await workflowMenu(page, 'workflow.delete');
    await expect.poll(async () => (await workflows()).some((w) => w.name === 'My demo')).toBe(false);
    await expect.poll(() => page.locator('[data-testid=save-state]').textContent()).toBe('unsaved •');

    await openFromPanel(page, DEMO);
    await workflowMenu(page, 'workflow.delete');
    await page.waitForSelector('[data-testid=toast]:text("seeded by the studio and stays")');
    expect((await workflows()).some((w) => w.id === seeded.id)).toBe(true);
  });

  it('opens the last workflow on a later visit, and the demo once that was deleted', async () => {
    const { page } = studio;
    page.once('dialog', (d) => void d.accept('Later'));
    await page.keyboard.press('Control+Shift+S');
    await expect.poll(() => nameField(page)).toBe('Later');
    await expect.poll(() => page.locator('[data-testid=save-state]').textContent()).toBe('v1');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await nameField(page)).toBe('Later');

    const later = (await workflows()).find((w) => w.name === 'Later')!;
    expect((await fetch(`${server.url}/api/workflows/${later.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await workflows()).some((w) => w.name === 'Later')).toBe(false);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await nameField(page)).toBe(DEMO);
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")');
  });
});
