// Frame sequences: typed sockets refuse a FRAMES -> IMAGE link with the reason, and a preview node plays the
// frames of a run as they arrive.
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { doc, drag, inSocket, moveNode, node, outSocket, waitForDoc } from './support/canvas';
import { makePng } from './support/png';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';
import { makeZip } from './support/zip';

let server: StudioServer;
let studio: Studio;
const FRAMES = 6;

beforeAll(async () => {
  server = await startServer();
  studio = await openStudio(server.url);
});


guardStudio('frames', () => ({ server, studio }));

describe('frames', () => {
  it('builds Load Frames -> Preview Frames and refuses FRAMES into an IMAGE input', async () => {
    const { page } = studio;
    for (const type of ['frames/load', 'output/preview', 'image/invert']) await page.click(`[data-testid=palette-item][data-type="${type}"]`);
    await page.waitForSelector(node('3'));
    await moveNode(page, '1', { x: 420, y: 180 });
    await moveNode(page, '2', { x: 800, y: 180 });
    await moveNode(page, '3', { x: 800, y: 620 });

    const zip = makeZip(Array.from({ length: FRAMES }, (_, i) => ({ name: `frame_${i + 1}.png`, data: makePng(16, 12, (x) => [i * 40, x * 15, 100]) })));
    await page.setInputFiles(`${node('1')} [data-testid=asset-upload]`, { name: 'clip.zip', mimeType: 'application/zip', buffer: zip });
    await waitForDoc(page, "typeof doc.nodes.find((n) => n.id === '1').params.frames === 'string'");

    await drag(page, outSocket('1', 'frames'), inSocket('3', 'image'));
    const toast = page.locator('[data-testid=toast][data-kind=error]', { hasText: 'Cannot connect' });
    await toast.waitFor();
    expect(await toast.textContent()).toMatch(/takes IMAGE, but Load Frames\.\S+ gives FRAMES/);
    expect((await doc(page)).links).toHaveLength(0);

    await drag(page, outSocket('1', 'frames'), inSocket('2', 'frames'));
    await waitForDoc(page, 'doc.links.length === 1');
    await page.waitForSelector('[data-testid=connection][data-type=FRAMES]');
    // The stray Invert Image is not part of what runs, but it has a missing input: delete it.
    await page.click(`${node('3')} .lnode-title`);
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('[data-testid=problem]').count()).toBe(0);
  });

  it('shows frames in the preview while the run goes, then plays them', async () => {
    const { page } = studio;
    // Record when the first frame appears and when the run is reported finished.
    await page.evaluate(() => {
      const marks: Record<string, number> = {};
      (window as unknown as { marks: Record<string, number> }).marks = marks;
      new MutationObserver(() => {
        if (!marks.frame && document.querySelector('[data-testid=filmstrip]')) marks.frame = performance.now();
        if (!marks.done && document.querySelector('[data-testid=run-state]')?.textContent?.includes('succeeded')) marks.done = performance.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.click('[data-testid=queue]');
    await page.waitForSelector('[data-testid=run-state]:text("succeeded")', { timeout: 90_000 });
    await page.waitForSelector(`${node('2')} [data-testid=filmstrip][data-frames="${FRAMES}"]`);
    const marks = await page.evaluate(() => (window as unknown as { marks: Record<string, number> }).marks);
    expect(marks.frame).toBeLessThanOrEqual(marks.done!);
    expect(await page.getAttribute(node('2'), 'data-status')).toBe('done');

    // It plays: the main picture changes on its own.
    const main = page.locator(`${node('2')} [data-testid=frame]`);
    const first = await main.getAttribute('alt');
    await page.waitForFunction(([sel, alt]) => document.querySelector(sel!)?.getAttribute('alt') !== alt, [`${node('2')} [data-testid=frame]`, first] as const);
    await studio.screenshot('frames-after-run');
  });
});
