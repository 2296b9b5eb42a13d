import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Link, type WorkflowDocument, type WorkflowNode } from '../workflow.js';

export interface DemoAssets {
  /** Asset id of the demo clip as a zip of frames (Load Frames). */
  frames?: string;
  /** Asset id of the demo clip as an mp4 (Load Video); used when no zip is given. */
  video?: string;
}

/**
 * The workflow a fresh studio opens with: load the demo clip, fit it to 576x320, take frame 0 as the
 * colour reference, extract lineart from every frame, flat-colourise, measure against the loaded frames
 * and save an mp4. Built in code so it always matches the catalogue.
 */
export function demoWorkflow(assets: DemoAssets): WorkflowDocument {
  if (!assets.frames && !assets.video) throw new Error('the demo workflow needs the demo clip as a frames zip or a video asset');
  const load: WorkflowNode = assets.frames
    ? { id: 'load', type: 'frames/load', title: 'Demo clip', params: { frames: assets.frames, fps: 12 }, position: { x: 0, y: 0 } }
    : { id: 'load', type: 'frames/load-video', title: 'Demo clip', params: { video: assets.video!, maxFrames: 1000 }, position: { x: 0, y: 0 } };
  const nodes: WorkflowNode[] = [
    load,
    { id: 'resize', type: 'frames/resize', params: { width: 576, height: 320, mode: 'crop', pad: 'white' }, position: { x: 320, y: 0 } },
    { id: 'reference', type: 'frames/get-frame', title: 'Reference (frame 0)', params: { index: 0 }, position: { x: 640, y: -160 } },
    { id: 'lineart', type: 'lineart/extract', params: { extractor: 'xdog' }, position: { x: 640, y: 80 } },
    { id: 'colorize', type: 'colorize/flat', params: {}, position: { x: 960, y: 0 } },
    { id: 'metrics', type: 'metrics/quality', params: { name: 'metrics' }, position: { x: 1280, y: -120 } },
    { id: 'save', type: 'output/save-video', params: { format: 'mp4', fps: 0, name: 'colorized' }, position: { x: 1280, y: 120 } },
  ];
  const link = (from: string, output: string, to: string, input: string): Link => ({ from: { node: from, output }, to: { node: to, input } });
  const links: Link[] = [
    link('load', 'frames', 'resize', 'frames'),
    link('resize', 'frames', 'reference', 'frames'),
    link('resize', 'frames', 'lineart', 'frames'),
    link('reference', 'image', 'colorize', 'reference'),
    link('lineart', 'sketches', 'colorize', 'sketches'),
    link('colorize', 'frames', 'metrics', 'frames'),
    link('resize', 'frames', 'metrics', 'truth'),
    link('colorize', 'frames', 'save', 'frames'),
  ];
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes, links, meta: { name: 'Demo: flat colorization' } };
}
