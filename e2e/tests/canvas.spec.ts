// The canvas in real Chromium: what it draws is what the document holds (issue 13's lost link), and nodes fit
// their content, can be resized, collapsed and renamed.
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { doc, drag, inSocket, node, outSocket, waitForDoc } from './support/canvas';
import { guardStudio } from './support/guard';
import { startServer, type StudioServer } from './support/server';

let server: StudioServer;
let studio: Studio;

beforeAll(async () => {
  server = await startServer();
  studio = await openStudio(server.url);
});

guardStudio('canvas', () => ({ server, studio }));

const at = (x: number, y: number) => ({ x, y });
const workflow = (nodes: { id: string; type: string; position: { x: number; y: number }; params?: Record<string, unknown> }[]) =>
  JSON.stringify({ format: 'lvcd-studio/workflow', version: 1, nodes: nodes.map((n) => ({ params: {}, ...n })), links: [], meta: { name: 'Canvas e2e' } });

/** The links the canvas draws, as "node.output>node.input". */
const drawn = () => studio.page.locator('[data-testid=connection][data-link]').evaluateAll((els) => els.map((e) => e.getAttribute('data-link')!).sort());
const links = async () => (await doc(studio.page)).links.map((l) => `${l.from.node}.${l.from.output}>${l.to.node}.${l.to.input}`).sort();
const open = (text: string) => studio.page.evaluate((t) => (window as unknown as { __lvcd: { open(text: string): Promise<void> } }).__lvcd.open(t), text);

describe('canvas', () => {
  it('drags a link onto a taken input and loses only the link it replaces (issue 13)', async () => {
    const { page } = studio;
    await open(
      workflow([
        { id: 'a', type: 'frames/load', position: at(0, 0) },
        { id: 'b', type: 'frames/get-frame', position: at(420, -220) },
        { id: 'c', type: 'frames/get-frame', position: at(420, 260) },
        { id: 'd', type: 'image/save', position: at(840, 0) },
      ]),
    );
    await page.waitForSelector(node('d'));
    await drag(page, outSocket('a', 'frames'), inSocket('b', 'frames'));
    await drag(page, outSocket('a', 'frames'), inSocket('c', 'frames'));
    await drag(page, outSocket('b', 'image'), inSocket('d', 'image'));
    await waitForDoc(page, 'doc.links.length === 3');
    await drag(page, outSocket('c', 'image'), inSocket('d', 'image'));
    await waitForDoc(page, 'doc.links.some((l) => l.from.node === "c" && l.to.node === "d")');
    const expected = ['a.frames>b.frames', 'a.frames>c.frames', 'c.image>d.image'];
    expect(await links()).toEqual(expected);
    await expect.poll(drawn).toEqual(expected);
    // c has its input, so validation finds nothing missing there.
    await expect.poll(() => page.locator(`${node('c')}.problem`).count()).toBe(0);
  });

  it('leaves no curve behind when another workflow opens', async () => {
    const { page } = studio;
    await open(workflow([{ id: '1', type: 'frames/get-frame', position: at(0, 0) }]));
    await waitForDoc(page, 'doc.nodes.length === 1 && doc.links.length === 0');
    await expect.poll(drawn).toEqual([]);
  });

  it('renames, collapses and resizes a node, sized to its content after an arrange, all kept in the document', async () => {
    const { page } = studio;
    const box = () => page.locator(node('1')).boundingBox();
    await page.dblclick(`${node('1')} [data-testid=node-title]`);
    await page.fill(`${node('1')} [data-testid=node-rename]`, 'Reference');
    await page.keyboard.press('Enter');
    await waitForDoc(page, 'doc.nodes[0].title === "Reference"');
    expect(await page.textContent(`${node('1')} [data-testid=node-title]`)).toBe('Reference');
    if (!(await page.locator('[data-testid=problems-panel]').isVisible())) await page.click('[data-testid=problems-toggle]');
    await expect.poll(() => page.locator('[data-testid=problem][data-node="1"]').first().textContent()).toContain('Reference needs its FRAMES input');

    // Arrange used to write a fixed height on every node: from then on the node could neither grow nor shrink.
    await page.click('[data-testid=arrange]');
    await expect.poll(async () => (await box())?.height ?? 0).toBeGreaterThan(0);
    const full = (await box())!.height;
    await page.click(`${node('1')} [data-testid=node-collapse]`);
    await waitForDoc(page, 'doc.nodes[0].ui?.collapsed === true');
    await expect.poll(async () => (await box())!.height).toBeLessThan(full * 0.8);
    await page.click(`${node('1')} [data-testid=node-collapse]`);
    await waitForDoc(page, 'doc.nodes[0].ui === undefined');
    await expect.poll(async () => Math.round((await box())!.height)).toBe(Math.round(full));

    const before = (await box())!.width;
    const grip = page.locator(`${node('1')} [data-testid=node-resize]`);
    // The 12 px grip is grabbed once the node has settled (its measured size, the relayout after expanding), as a hand would.
    await expect
      .poll(async () => {
        const first = JSON.stringify(await grip.boundingBox());
        await page.waitForTimeout(100);
        return first === JSON.stringify(await grip.boundingBox());
      })
      .toBe(true);
    const handle = (await grip.boundingBox())!;
    await drag(page, `${node('1')} [data-testid=node-resize]`, { x: handle.x + handle.width / 2 + 150, y: handle.y + handle.height / 2 });
    await waitForDoc(page, 'doc.nodes[0].ui?.width > 300');
    expect((await box())!.width).toBeGreaterThan(before + 100);
    // Undo takes the width back in one step, as it came.
    await page.keyboard.press('Control+z');
    await waitForDoc(page, 'doc.nodes[0].ui === undefined && doc.nodes[0].title === "Reference"');
  });
});
