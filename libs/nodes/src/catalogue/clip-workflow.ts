import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Link, type WorkflowDocument, type WorkflowNode } from '../workflow.js';

export interface ClipAssets {
  /** Asset id of the clip as a zip of frames (Load Frames). */
  frames?: string;
  /** Asset id of the clip as a video (Load Video); used when no zip is given. */
  video?: string;
}

export interface ColorizeStages {
  name: string;
  /** Sketches from the `frames` input, out on `sketches`. */
  lineart: Omit<WorkflowNode, 'id' | 'position'>;
  /** Colours from `reference` and `sketches`, out on `frames`. */
  colorize: Omit<WorkflowNode, 'id' | 'position'>;
  /** A model bundle node feeding `models` of the lineart and colorize nodes, when they take one. */
  models?: Omit<WorkflowNode, 'id' | 'position'>;
  /** File name of the saved video. */
  output: string;
}

/**
 * The shape every shipped colorization workflow has: load a clip, fit it to 576x320, take frame 0 as the
 * colour reference, draw sketches, colour them, measure against the loaded frames and save an mp4.
 */
export function colorizeClipWorkflow(clip: ClipAssets, stages: ColorizeStages): WorkflowDocument {
  if (!clip.frames && !clip.video) throw new Error('a colorization workflow needs its clip as a frames zip or a video asset');
  const at = (x: number, y: number) => ({ x, y });
  const nodes: WorkflowNode[] = [
    clip.frames
      ? { id: 'load', type: 'frames/load', title: 'Clip', params: { frames: clip.frames, fps: 12 }, position: at(0, 0) }
      : { id: 'load', type: 'frames/load-video', title: 'Clip', params: { video: clip.video!, maxFrames: 1000 }, position: at(0, 0) },
    { id: 'resize', type: 'frames/resize', params: { width: 576, height: 320, mode: 'crop', pad: 'white' }, position: at(320, 0) },
    { id: 'reference', type: 'frames/get-frame', title: 'Reference (frame 0)', params: { index: 0 }, position: at(640, -160) },
    { id: 'lineart', ...stages.lineart, position: at(640, 80) },
    { id: 'colorize', ...stages.colorize, position: at(960, 0) },
    { id: 'metrics', type: 'metrics/quality', params: { name: 'metrics' }, position: at(1280, -120) },
    { id: 'save', type: 'output/save-video', params: { format: 'mp4', fps: 0, name: stages.output }, position: at(1280, 120) },
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
  if (stages.models) {
    nodes.push({ id: 'models', ...stages.models, position: at(320, -240) });
    links.push(link('models', 'models', 'lineart', 'models'), link('models', 'models', 'colorize', 'models'));
  }
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes, links, meta: { name: stages.name } };
}
