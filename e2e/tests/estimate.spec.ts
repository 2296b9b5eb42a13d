// Estimates on the canvas, in real Chromium against a real server with the tiny LVCD bundle: the LVCD template's
// Colorize node shows its peak memory and time before anything is queued (POST /api/plan, nothing run), and the
// figure follows its params once the edit pauses.
import { architectureFromConfigJson, convertBundle } from '@lvcd/models';
import { lvcdTinyFixturesDir } from '@lvcd/models/testing';
import { lvcdTemplateWorkflow } from '@lvcd/nodes/catalogue';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStudio, type Studio } from './support/browser';
import { node, waitForDoc } from './support/canvas';
import { apiJson } from './support/compare';
import { guardStudio } from './support/guard';
import { makePng } from './support/png';
import { startServer, type StudioServer } from './support/server';
import { makeZip } from './support/zip';

let server: StudioServer;
let studio: Studio;
let clipId: string;

guardStudio('estimate', () => ({ server, studio }));

beforeAll(async () => {
  server = await startServer();
  const fixtures = lvcdTinyFixturesDir();
  // The template fits clips to 576x320, the size the bundle's CLIP graph is built for.
  await convertBundle({
    svd: join(fixtures, 'svd-tiny.safetensors'), lvcd: join(fixtures, 'lvcd-tiny.ckpt'), lineart: join(fixtures, 'sk-tiny.pth'),
    outDir: join(server.dataDir, 'models', 'tiny'), frame: { height: 320, width: 576 },
    ...architectureFromConfigJson(JSON.parse(await readFile(join(fixtures, 'tiny-config.json'), 'utf8'))),
  });
  const pictures = Array.from({ length: 24 }, (_, i) => makePng(96, 64, (x) => [(x * 4 + i * 20) % 256, 90, 160]));
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(makeZip(pictures.map((data, i) => ({ name: `frame_${i + 1}.png`, data }))))], { type: 'application/zip' }), 'clip.zip');
  clipId = ((await (await fetch(`${server.url}/api/assets`, { method: 'POST', body: form })).json()) as { id: string }).id;
  studio = await openStudio(server.url);
});

describe('estimates before queueing', () => {
  it("shows LVCD Colorize's memory and time on the node, and follows its steps param, with nothing run", async () => {
    const { page } = studio;
    const template = lvcdTemplateWorkflow({ frames: clipId }, 'tiny');
    await page.evaluate((text) => (window as unknown as { __lvcd: { open(t: string): Promise<boolean> } }).__lvcd.open(text), JSON.stringify(template));
    await waitForDoc(page, 'doc.nodes.length === arg', template.nodes.length);
    const badge = page.locator(`${node('colorize')} [data-testid=node-estimate]`);
    await badge.waitFor();
    const before = (await badge.textContent())!.trim();
    expect(before).toMatch(/^≈ \d+(\.\d)? (GB|MB) · ≈ \d+(\.\d)? (s|min|h)$/);
    expect(await badge.getAttribute('data-fits')).toBe('true');
    expect(await badge.getAttribute('title')).toMatch(/windows? for 24 frames at 576x320, 25 steps, on the CPU/);

    // Four times the steps: four times the sampling time, asked again once the typing pauses.
    await page.fill(`${node('colorize')} [data-param=steps] input`, '100');
    await page.press(`${node('colorize')} [data-param=steps] input`, 'Tab');
    await page.waitForFunction(([sel, old]) => document.querySelector(sel!)?.getAttribute('title')?.includes('100 steps') && document.querySelector(sel!)?.textContent?.trim() !== old, [`${node('colorize')} [data-testid=node-estimate]`, before]);
    expect((await apiJson(server.url, 'GET', '/api/runs')) as unknown[]).toHaveLength(0);
  });
});
