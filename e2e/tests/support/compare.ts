// Shared by the compare specs: demo-workflow variants with a lossless frame sequence, runs through the API,
// and sampling what the compare stage shows on every animation frame.
import type { WorkflowDocument } from '@lvcd/nodes';
import { demoWorkflow } from '@lvcd/nodes/catalogue';
import type { Page } from 'playwright-core';

export const STAGE = '[data-testid=compare-stage]';

/**
 * The demo workflow at a given size and Flat Colorize gap closing, with a lossless Save Frames zip beside its
 * mp4 (the compare view plays the zip); `metrics: false` drops Quality Metrics where it would only cost time.
 */
export function demoVariant(assetId: string, o: { width: number; height: number; gapClose: number; metrics?: boolean }): WorkflowDocument {
  const doc = demoWorkflow({ frames: assetId });
  doc.nodes.find((n) => n.id === 'resize')!.params = { width: o.width, height: o.height, mode: 'crop', pad: 'white' };
  doc.nodes.find((n) => n.id === 'colorize')!.params = { gapClose: o.gapClose };
  if (o.metrics === false) {
    doc.nodes = doc.nodes.filter((n) => n.id !== 'metrics');
    doc.links = doc.links.filter((l) => l.to.node !== 'metrics');
  }
  doc.nodes.push({ id: 'frames', type: 'output/save-frames', params: { name: 'frames' }, position: { x: 1280, y: 300 } });
  doc.links.push({ from: { node: 'colorize', output: 'frames' }, to: { node: 'frames', input: 'frames' } });
  return doc;
}

export async function apiJson(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const parsed = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

export async function startRun(url: string, document: WorkflowDocument): Promise<string> {
  return (await apiJson(url, 'POST', '/api/runs', { document })).id;
}

/** The run's detail once it succeeded; throws if it ended otherwise. */
export async function waitForRun(url: string, id: string): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const run = await apiJson(url, 'GET', `/api/runs/${id}`);
    if (run.status === 'succeeded') return run;
    if (run.status !== 'queued' && run.status !== 'running') throw new Error(`run ${id} ended ${run.status}: ${JSON.stringify(run.error)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${id} did not finish`);
}

/** [frameA, frameB] as the stage shows them, read on every animation frame for `ms`. */
export function sampleShown(page: Page, ms: number): Promise<[string, string][]> {
  return page.evaluate(
    ([selector, duration]) =>
      new Promise<[string, string][]>((resolve) => {
        const el = document.querySelector(selector) as HTMLElement;
        const out: [string, string][] = [];
        const t0 = performance.now();
        const tick = () => {
          out.push([el.dataset.frameA ?? '', el.dataset.frameB ?? '']);
          if (performance.now() - t0 < duration) requestAnimationFrame(tick);
          else resolve(out);
        };
        requestAnimationFrame(tick);
      }),
    [STAGE, ms] as const,
  );
}
