// The size and length of the frame sequences a workflow would make, without making them: read from the clip's file
// (a zip's directory and its first frame's header, a video's container) and carried through the params of the
// nodes in between. An estimate before queueing uses it, so it never decodes a clip or runs a model.
import { defaultZipLimits, MODEL_GRID, openFrameZip, probeVideo, readImageSize } from '@lvcd/media';
import type { AssetResolver, FrameShape } from '../runtime/node-type.js';
import type { ParamValue } from '../types.js';
import type { WorkflowDocument, WorkflowNode } from '../workflow.js';

/** A shape, or why it cannot be known before the run. */
export type ShapeAnswer = { shape: FrameShape } | { unknown: string };

interface ShapeRule {
  /** The input whose shape the output's follows (absent for a source). */
  readonly from?: string;
  shape(params: Readonly<Record<string, ParamValue>>, input: FrameShape | undefined, assets: AssetResolver): Promise<FrameShape>;
}

const grid = (v: ParamValue) => Math.max(MODEL_GRID, Math.round(Number(v) / MODEL_GRID) * MODEL_GRID);
const same = (_: unknown, input: FrameShape | undefined) => Promise.resolve(input!);

/** Per node type, as each node's execute computes its output; a type not listed has no shape before it runs. */
const RULES: Readonly<Record<string, ShapeRule>> = {
  'frames/load': {
    async shape(params, _input, assets) {
      const zip = await openFrameZip(assets.pathOf(String(params['frames'])), 'the zip', defaultZipLimits);
      try {
        const size = zip.names.length ? await readImageSize(await zip.read(0)) : undefined;
        if (!size) throw new Error('its first frame is not an image this studio reads');
        return { ...size, count: zip.names.length };
      } finally {
        await zip.close();
      }
    },
  },
  'frames/load-video': {
    async shape(params, _input, assets) {
      const info = await probeVideo(assets.pathOf(String(params['video'])), 'the video');
      // Without a stated frame count the length is only known once decoded: the node's limit bounds it.
      return { width: info.width, height: info.height, count: Math.min(info.frames ?? Infinity, Number(params['maxFrames'])) };
    },
  },
  'frames/resize': { from: 'frames', shape: (params, input) => Promise.resolve({ width: grid(params['width']!), height: grid(params['height']!), count: input!.count }) },
  'frames/select': {
    from: 'frames',
    shape(params, input) {
      const start = Number(params['start']);
      const end = Math.min(input!.count, Number(params['end']) || input!.count);
      return Promise.resolve({ ...input!, count: Math.max(0, Math.ceil((end - start) / Number(params['stride']))) });
    },
  },
  'lineart/extract': { from: 'frames', shape: same },
  'lvcd/lineart': { from: 'frames', shape: same },
};

/**
 * The shape of what `node.output` would carry in `document` (a validated, planned one: links resolved, params
 * complete), following links upstream; a bypassed node passes its `frames` input through.
 */
export async function frameShapeOf(document: WorkflowDocument, nodeId: string, assets: AssetResolver, params: (node: WorkflowNode) => Readonly<Record<string, ParamValue>>): Promise<ShapeAnswer> {
  const node = document.nodes.find((n) => n.id === nodeId);
  if (!node) return { unknown: `no node ${nodeId}` };
  const rule = RULES[node.type];
  const input = rule?.from ?? (node.bypass ? 'frames' : undefined);
  let upstream: FrameShape | undefined;
  if (input) {
    const link = document.links.find((l) => l.to.node === nodeId && l.to.input === input);
    if (!link) return { unknown: `#${nodeId} has no ${input} linked` };
    const answer = await frameShapeOf(document, link.from.node, assets, params);
    if ('unknown' in answer) return answer;
    upstream = answer.shape;
  }
  if (node.bypass) return upstream ? { shape: upstream } : { unknown: `#${nodeId} is bypassed` };
  if (!rule) return { unknown: `the frames of #${nodeId} (${node.type}) are known only once it runs` };
  try {
    return { shape: await rule.shape(params(node), upstream, assets) };
  } catch (e) {
    return { unknown: `the clip of #${nodeId} cannot be read: ${(e as Error).message}` };
  }
}
