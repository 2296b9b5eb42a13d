import type { WorkflowDocument } from '../../workflow.js';
import { colorizeClipWorkflow, type ClipAssets } from '../clip-workflow.js';

/** The shipped LVCD workflow: sketches by LVCD's lineart model, colours by LVCD, from the bundle named `bundle`. */
export function lvcdTemplateWorkflow(clip: ClipAssets, bundle = 'lvcd'): WorkflowDocument {
  return colorizeClipWorkflow(clip, {
    name: 'LVCD: colour a clip from its first frame',
    models: { type: 'lvcd/model-bundle', params: { bundle, provider: 'auto' } },
    lineart: { type: 'lvcd/lineart', params: {} },
    colorize: { type: 'lvcd/colorize', params: {} },
    output: 'lvcd',
  });
}
