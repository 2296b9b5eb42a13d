// Test helpers shared by the specs of this library (not exported from the package).
import { createRgbImage, encodePng, generateDemoClip } from '@lvcd/media';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRun } from '../plan.js';
import { WorkflowInvalidError } from '../problems.js';
import type { ExecutionResult } from '../runtime/events.js';
import type { AssetStore } from '../runtime/asset-store.js';
import { executeWorkflow, type ExecutionRequest, type ExecutorDeps } from '../runtime/executor.js';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Link, type WorkflowDocument, type WorkflowNode } from '../workflow.js';

/** A generated demo clip (in `<dir>/clip`) adopted into the asset store as an upload would be: its asset id and zip. */
export async function adoptDemoClip(assets: AssetStore, dir: string, clip: { frames: number; width: number; height: number; seed: number }): Promise<{ id: string; zip: string }> {
  const { zip } = await generateDemoClip(join(dir, 'clip'), { ...clip, fps: 8 });
  const temp = assets.tempPath();
  await copyFile(zip, temp);
  return { id: (await assets.adoptFile(temp, 'clip.zip')).id, zip };
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'lvcd-nodes-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A small PNG with a horizontal gradient, so inverting it changes every pixel in a known way. */
export async function gradientPng(width = 16, height = 8): Promise<Buffer> {
  const image = createRgbImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round((x / (width - 1)) * 255);
      image.data.set([v, 255 - v, y * 10], (y * width + x) * 3);
    }
  }
  return encodePng(image);
}

export function node(id: string, type: string, params: WorkflowNode['params'] = {}): WorkflowNode {
  return { id, type, params, position: { x: 0, y: 0 } };
}

export function link(from: string, output: string, to: string, input: string): Link {
  return { from: { node: from, output }, to: { node: to, input } };
}

export function workflow(nodes: WorkflowNode[], links: Link[]): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes, links, meta: {} };
}

/** Plans and executes a document as the server does (one planRun, then the executor); invalid documents reject with every problem. */
export async function runWorkflow(
  document: unknown,
  deps: ExecutorDeps,
  options: { targets?: readonly string[]; signal?: AbortSignal; onEvent?: ExecutionRequest['onEvent'] } = {},
): Promise<ExecutionResult> {
  const { plan, problems } = planRun(document, deps.registry, { ...(options.targets ? { targets: options.targets } : {}), assetExists: (id) => deps.assets.exists(id) });
  if (!plan) throw new WorkflowInvalidError(problems);
  return executeWorkflow({ plan, signal: options.signal ?? new AbortController().signal, ...(options.onEvent ? { onEvent: options.onEvent } : {}) }, deps);
}
