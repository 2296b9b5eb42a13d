// Canvas gestures and reads shared by the specs.
import type { Page } from 'playwright-core';

export const node = (id: string) => `[data-testid=node][data-node-id="${id}"]`;
export const outSocket = (id: string, name: string) => `${node(id)} [data-output="${name}"] .lsocket`;
export const inSocket = (id: string, name: string) => `${node(id)} [data-input="${name}"] .lsocket`;

interface Doc {
  nodes: { id: string; type: string; params: Record<string, unknown>; bypass?: boolean }[];
  links: { from: { node: string; output: string }; to: { node: string; input: string } }[];
  meta: Record<string, unknown>;
}

/** The document the editor holds (read-only hook the app exposes for tests and the benchmark). */
export function doc(page: Page): Promise<Doc> {
  return page.evaluate(() => (window as unknown as { __lvcd: { document(): Doc } }).__lvcd.document());
}

async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags with the mouse from one element (or point) to another, in small steps as a hand would. */
export async function drag(page: Page, from: string, to: string | { x: number; y: number }): Promise<void> {
  const a = await center(page, from);
  const b = typeof to === 'string' ? await center(page, to) : to;
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
}

/** Moves a node by its title bar so it does not cover others. */
export async function moveNode(page: Page, id: string, to: { x: number; y: number }): Promise<void> {
  await drag(page, `${node(id)} .lnode-title`, to);
}

export async function waitForDoc(page: Page, test: string, arg?: unknown): Promise<void> {
  await page.waitForFunction(
    ([body, a]) => {
      const d = (window as unknown as { __lvcd: { document(): unknown } }).__lvcd.document();
      return new Function('doc', 'arg', `return (${body})`)(d, a) as boolean;
    },
    [test, arg] as const,
  );
}
