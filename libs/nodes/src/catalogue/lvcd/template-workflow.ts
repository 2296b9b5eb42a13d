import type { WorkflowDocument } from '../../workflow.js';
import { colorizeClipWorkflow, type ClipAssets } from '../clip-workflow.js';

export const LVCD_TEMPLATE_NAME = 'LVCD: colour a clip from its first frame';

/** The shipped LVCD workflow: sketches by LVCD's lineart model, colours by LVCD, from the bundle named `bundle`. */
export function lvcdTemplateWorkflow(clip: ClipAssets, bundle = 'lvcd'): WorkflowDocument {
  return colorizeClipWorkflow(clip, {
    name: LVCD_TEMPLATE_NAME,
    models: { type: 'lvcd/model-bundle', params: { bundle, provider: 'auto' } },
    lineart: { type: 'lvcd/lineart', params: {} },
    colorize: { type: 'lvcd/colorize', params: {} },
    output: 'lvcd',
  });
}
