// Node-only: every built-in node type, data plus execute function.
import type { NodeType } from '../runtime/node-type.js';
import { NodeRegistry } from '../runtime/registry.js';
import { copyReference } from './colorize/copy-reference.js';
import { flatColorize } from './colorize/flat-colorize.js';
import { flowColorize } from './colorize/flow-colorize.js';
import { compositeLines } from './colorize/composite-lines.js';
import { paletteSnap } from './colorize/palette-snap.js';
import { getFrame } from './frames/get-frame.js';
import { loadFrames } from './frames/load-frames.js';
import { loadVideo } from './frames/load-video.js';
import { resizeFrames } from './frames/resize-frames.js';
import { selectFrames } from './frames/select-frames.js';
import { invertImage } from './image/invert-image.js';
import { loadImage } from './image/load-image.js';
import { saveImage } from './image/save-image.js';
import { classicalLineart } from './lineart/classical-lineart.js';
import { qualityMetrics } from './metrics/quality-metrics.js';
import { previewFrames } from './output/preview-frames.js';
import { saveFrames } from './output/save-frames.js';
import { saveVideo } from './output/save-video.js';
import { delay } from './utility/delay.js';
import { lvcdColorize, lvcdDecode, lvcdLineart, lvcdSample, modelBundle } from './lvcd/index.js';

export { imageLimits } from './limits.js';
export { DEMO_WORKFLOW_NAME, demoWorkflow, type DemoAssets } from './demo-workflow.js';
export { LVCD_TEMPLATE_NAME, lvcdTemplateWorkflow } from './lvcd/index.js';
export { estimateDocument, type DocumentEstimate } from './estimate-document.js';

export const builtinNodeTypes: readonly NodeType[] = [
  loadImage,
  invertImage,
  saveImage,
  loadFrames,
  loadVideo,
  selectFrames,
  getFrame,
  resizeFrames,
  classicalLineart,
  flatColorize,
  flowColorize,
  paletteSnap,
  compositeLines,
  copyReference,
  qualityMetrics,
  saveFrames,
  saveVideo,
  previewFrames,
  modelBundle,
  lvcdLineart,
  lvcdColorize,
  lvcdSample,
  lvcdDecode,
  delay,
];

export function createBuiltinRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodeTypes);
}
