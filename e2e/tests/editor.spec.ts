// The editor end to end, in real Chromium against a real server: build, refuse, queue, watch, save, reopen,
// export and import, undo and redo, history. Steps run in order and build on each other, like a user session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTEFACTS, openStudio, type Studio } from './support/browser';
import { doc, drag, inSocket, moveNode, node, outSocket, waitForDoc } from './support/canvas';
import { makePng } from './support/png';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';

let server: StudioServer;
let studio: Studio;
const W = 24;
const H = 16;
// A gradient picture, so inversion is visible in the pixels.
const picture = makePng(W, H, (x, y) => [x * 10, y * 12, 200]);

beforeAll(async () => {
  server = await startServer();
  studio = await openStudio(server.url);
});


guardStudio('editor', () => ({ server, studio }));

describe('editor', () => {
  it('shows the catalogue from the server in the palette, by category', async () => {
    const { page } = studio;
    const types = await page.locator('[data-testid=palette-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    const served = (await (await fetch(`${server.url}/api/nodes`)).json()) as { type: string }[];
    expect(types.sort()).toEqual(served.map((s) => s.type).sort());
    expect(await page.locator('.palette h4').count()).toBeGreaterThan(0);
  });

  it('builds Load Image -> Invert Image from the palette and uploads a picture', async () => {
    const { page } = studio;
    await page.click('[data-testid=palette-item][data-type="image/load"]');
    await page.click('[data-testid=palette-item][data-type="image/invert"]');
    await page.waitForSelector(node('2'));
    await moveNode(page, '1', { x: 420, y: 200 });
    await moveNode(page, '2', { x: 760, y: 200 });
    // Live validation: nothing chosen yet, and the invert node lacks its input.
    await page.waitForSelector(`${node('1')}.problem`);
    await expect.poll(() => page.locator('[data-testid=problem][data-code=missing-input]').count()).toBe(1);

    await page.setInputFiles(`${node('1')} [data-testid=asset-upload]`, { name: 'gradient.png', mimeType: 'image/png', buffer: picture });
    await page.waitForSelector(`${node('1')} [data-testid=asset-thumb]`);
    const thumbWidth = await page.locator(`${node('1')} [data-testid=asset-thumb]`).evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(thumbWidth).toBe(W);

    await drag(page, outSocket('1', 'image'), inSocket('2', 'image'));
    await waitForDoc(page, 'doc.links.length === 1');
    expect((await doc(page)).links[0]).toEqual({ from: { node: '1', output: 'image' }, to: { node: '2', input: 'image' } });
    await page.waitForSelector('[data-testid=connection][data-type=IMAGE]');
  });

  it('refuses a bad connection and says why', async () => {
    const { page } = studio;
    await drag(page, outSocket('2', 'image'), inSocket('2', 'image'));
    const toast = page.locator('[data-testid=toast][data-kind=error]', { hasText: 'Cannot connect' });
    await toast.waitFor();
    expect(await toast.textContent()).toContain('cannot feed itself');
    expect((await doc(page)).links).toHaveLength(1);
    // The refused drag must not open the add menu as if the link had been dropped on empty canvas.
    expect(await page.locator('[data-testid=add-menu]').count()).toBe(0);
  });

  it('drops a link on empty canvas and adds a compatible node from the menu', async () => {
    const { page } = studio;
    await drag(page, outSocket('2', 'image'), { x: 1150, y: 260 });
    await page.waitForSelector('[data-testid=add-menu]');
    const offered = await page.locator('[data-testid=add-menu-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    expect(offered).toContain('image/save');
    expect(offered).not.toContain('image/load'); // takes no IMAGE input
    await page.fill('[data-testid=add-menu-search]', 'save im');
    await page.keyboard.press('Enter');
    await page.waitForSelector(node('3'));
    await waitForDoc(page, 'doc.links.length === 2');
    const d = await doc(page);
    expect(d.nodes.find((n) => n.id === '3')?.type).toBe('image/save');
    expect(d.links).toContainEqual({ from: { node: '2', output: 'image' }, to: { node: '3', input: 'image' } });
    await expect.poll(() => page.locator('[data-testid=problem]').count()).toBe(0);
  });

  it('queues with Ctrl+Enter, shows node states and the frame while the run goes', async () => {
    const { page } = studio;
    await page.click('[data-testid=canvas]', { position: { x: 30, y: 30 } });
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('[data-testid=run-state]');
    await page.waitForSelector(`${node('3')} [data-testid=frame]`, { timeout: 60_000 });
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")', { timeout: 60_000 });
    for (const id of ['1', '2', '3']) {
      expect(await page.locator(`${node(id)}`).getAttribute('data-status')).toMatch(/^(done|cached)$/);
    }
    // The frame is the inverted picture: check a pixel.
    const px = await page.locator(`${node('3')} [data-testid=frame]`).evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return [c.width, ...g.getImageData(3, 2, 1, 1).data.slice(0, 3)];
    });
    expect(px).toEqual([W, 255 - 30, 255 - 24, 255 - 200]);
  });

  it('saves with Ctrl+S as a named workflow, with versions', async () => {
    const { page } = studio;
    await page.fill('[data-testid=workflow-name]', 'E2E invert');
    await page.press('[data-testid=workflow-name]', 'Tab');
    await page.keyboard.press('Control+s');
    await page.locator('[data-testid=toast]', { hasText: 'version 1' }).waitFor();
    await page.fill(`${node('3')} [data-param=name] input`, 'inverted');
    await page.press(`${node('3')} [data-param=name] input`, 'Tab');
    await waitForDoc(page, "doc.nodes.find((n) => n.id === '3').params.name === 'inverted'");
    await page.click('[data-testid=save]');
    await page.locator('[data-testid=toast]', { hasText: 'version 2' }).waitFor();
    const list = (await (await fetch(`${server.url}/api/workflows`)).json()) as { name: string; version: number }[];
    expect(list).toContainEqual(expect.objectContaining({ name: 'E2E invert', version: 2 }));
  });

  it('undoes and redoes a delete', async () => {
    const { page } = studio;
    await page.click(`${node('2')} .lnode-title`);
    await page.keyboard.press('Delete');
    await waitForDoc(page, 'doc.nodes.length === 2 && doc.links.length === 0');
    await page.keyboard.press('Control+z');
    await waitForDoc(page, 'doc.nodes.length === 3 && doc.links.length === 2');
    await page.keyboard.press('Control+y');
    await waitForDoc(page, 'doc.nodes.length === 2 && doc.links.length === 0');
    await page.keyboard.press('Control+z');
    await waitForDoc(page, 'doc.nodes.length === 3 && doc.links.length === 2');
  });

  it('copies and pastes nodes, also into another tab', async () => {
    const { page, context } = studio;
    await page.click(`${node('2')} .lnode-title`);
    await page.keyboard.press('Control+c');
    await page.mouse.move(800, 600);
    await page.keyboard.press('Control+v');
    await waitForDoc(page, "doc.nodes.length === 4 && doc.nodes.some((n) => n.id === '4' && n.type === 'image/invert')");
    await page.keyboard.press('Delete'); // the pasted node is selected
    await waitForDoc(page, 'doc.nodes.length === 3');

    const other = await context.newPage();
    try {
      await other.goto(server.url);
      await other.waitForSelector('body[data-ready="true"]');
      const before = (await doc(other)).nodes.length;
      await other.mouse.move(700, 500);
      await other.keyboard.press('Control+v');
      await waitForDoc(other, 'doc.nodes.length === arg', before + 1);
    } finally {
      await other.close();
    }
  });

  it('survives a reload and reopens the saved workflow', async () => {
    const { page } = studio;
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await waitForDoc(page, 'doc.nodes.length === 3 && doc.links.length === 2'); // the local draft
    // The last run's outputs come back on the canvas after the reload.
    await page.waitForSelector(`${node('3')} [data-testid=frame]`);

    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await waitForDoc(page, 'doc.nodes.length === 0');
    await page.click('[data-testid=tab-workflows]');
    await page.click('[data-testid=workflow-item] [data-testid=open-workflow]:text("E2E invert")');
    await waitForDoc(page, "doc.nodes.length === 3 && doc.links.length === 2 && doc.nodes.find((n) => n.id === '3').params.name === 'inverted'");
    expect(await page.inputValue('[data-testid=workflow-name]')).toBe('E2E invert');
    expect(await page.textContent('[data-testid=save-state]')).toContain('v2');
  });

  it('exports JSON and imports it back; refuses a hostile file without changing anything', async () => {
    const { page } = studio;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')]);
    const file = join(ARTEFACTS, 'exported.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.format).toBe('lvcd-studio/workflow');
    expect(exported.nodes).toHaveLength(3);

    const hostile = JSON.stringify({ format: 'lvcd-studio/workflow', version: 1, nodes: [{ id: '1', type: 'evil/rm-rf', params: { __proto__: { polluted: true } } }], links: [] });
    await page.setInputFiles('[data-testid=import-file]', { name: 'evil.json', mimeType: 'application/json', buffer: Buffer.from(hostile) });
    await page.locator('[data-testid=toast][data-kind=error]', { hasText: 'unknown node type' }).waitFor();
    await page.setInputFiles('[data-testid=import-file]', { name: 'junk.json', mimeType: 'application/json', buffer: Buffer.from('{"nodes": [') });
    await page.locator('[data-testid=toast][data-kind=error]', { hasText: 'not valid JSON' }).waitFor();
    expect((await doc(page)).nodes).toHaveLength(3);
    expect(await page.evaluate(() => ({}) as Record<string, unknown>)).not.toHaveProperty('polluted');

    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await waitForDoc(page, 'doc.nodes.length === 0');
    await page.setInputFiles('[data-testid=import-file]', file);
    await waitForDoc(page, 'doc.nodes.length === 3 && doc.links.length === 2');
  });

  it('opens the workflow embedded in a studio PNG dropped on the canvas', async () => {
    const { page } = studio;
    const exported = readFileSync(join(ARTEFACTS, 'exported.json'), 'utf8');
    const moved = JSON.parse(exported);
    moved.meta.name = 'From PNG';
    const png = makePng(4, 4, () => [0, 0, 0], { 'lvcd-workflow': JSON.stringify(moved) });
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await waitForDoc(page, 'doc.nodes.length === 0');
    await page.evaluate(
      ([b64]) => {
        const bytes = Uint8Array.from(atob(b64!), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'run.png', { type: 'image/png' }));
        const target = document.querySelector('[data-testid=canvas]')!;
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, clientX: 700, clientY: 400 }));
      },
      [png.toString('base64')],
    );
    await waitForDoc(page, 'doc.nodes.length === 3 && doc.links.length === 2');
    expect(await page.inputValue('[data-testid=workflow-name]')).toBe('From PNG');
  });

  it('lists the run in history and restores the workflow it used', async () => {
    const { page } = studio;
    await page.click('[data-testid=tab-history]');
    const item = page.locator('[data-testid=history-item][data-status=succeeded]').first();
    await item.waitFor();
    await item.click();
    await page.waitForSelector('[data-testid=run-detail] [data-testid=run-output]');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    await waitForDoc(page, 'doc.nodes.length === 0');
    await page.click('[data-testid=restore-workflow]');
    // The run used the file name "image" (it ran before the rename): the restored document shows that.
    await waitForDoc(page, "doc.nodes.length === 3 && doc.links.length === 2 && doc.nodes.find((n) => n.id === '3').params.name === 'image'");
    await studio.screenshot('editor-after-restore');
  });

  it('reconnects after a server restart and queues again', async () => {
    const { page } = studio;
    await server.restart();
    await page.waitForSelector('[data-testid=connection-state].on');
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid=toast]', { hasText: 'Queued' }).last().waitFor();
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")', { timeout: 60_000 });
    await page.waitForSelector(`${node('3')} [data-testid=frame]`);
  });
});

