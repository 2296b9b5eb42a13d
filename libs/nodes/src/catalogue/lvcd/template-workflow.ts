import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Link, type WorkflowDocument, type WorkflowNode } from '../../workflow.js';
import type { DemoAssets } from '../demo-workflow.js';

/**
 * The shipped LVCD workflow: load a clip, fit it to 576x320, take frame 0 as the coloured reference, draw
 * the sketches with LVCD's lineart model, colour with LVCD, measure against the clip and save an mp4.
 */
export function lvcdTemplateWorkflow(clip: DemoAssets, bundle = 'lvcd'): WorkflowDocument {
  if (!clip.frames && !clip.video) throw new Error('the LVCD workflow needs a clip as a frames zip or a video asset');
  const load: WorkflowNode = clip.frames
    ? { id: 'load', type: 'frames/load', title: 'Clip', params: { frames: clip.frames, fps: 12 }, position: { x: 0, y: 0 } }
    : { id: 'load', type: 'frames/load-video', title: 'Clip', params: { video: clip.video!, maxFrames: 1000 }, position: { x: 0, y: 0 } };
  const nodes: WorkflowNode[] = [
    load,
    { id: 'models', type: 'lvcd/model-bundle', params: { bundle, provider: 'auto' }, position: { x: 0, y: -220 } },
    { id: 'resize', type: 'frames/resize', params: { width: 576, height: 320, mode: 'crop', pad: 'white' }, position: { x: 320, y: 0 } },
    { id: 'reference', type: 'frames/get-frame', title: 'Reference (frame 0)', params: { index: 0 }, position: { x: 640, y: -160 } },
    { id: 'lineart', type: 'lvcd/lineart', params: {}, position: { x: 640, y: 80 } },
    { id: 'colorize', type: 'lvcd/colorize', params: {}, position: { x: 960, y: 0 } },
    { id: 'metrics', type: 'metrics/quality', params: { name: 'metrics' }, position: { x: 1280, y: -120 } },
    { id: 'save', type: 'output/save-video', params: { format: 'mp4', fps: 0, name: 'lvcd' }, position: { x: 1280, y: 120 } },
  ];
  const link = (from: string, output: string, to: string, input: string): Link => ({ from: { node: from, output }, to: { node: to, input } });
  const links: Link[] = [
    link('load', 'frames', 'resize', 'frames'),
    link('resize', 'frames', 'reference', 'frames'),
    link('models', 'models', 'lineart', 'models'),
    link('resize', 'frames', 'lineart', 'frames'),
    link('models', 'models', 'colorize', 'models'),
    link('reference', 'image', 'colorize', 'reference'),
    link('lineart', 'sketches', 'colorize', 'sketches'),
    link('colorize', 'frames', 'metrics', 'frames'),
    link('resize', 'frames', 'metrics', 'truth'),
    link('colorize', 'frames', 'save', 'frames'),
  ];
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes, links, meta: { name: 'LVCD: colour a clip from its first frame' } };
}
