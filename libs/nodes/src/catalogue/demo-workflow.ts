import type { WorkflowDocument } from '../workflow.js';
import { colorizeClipWorkflow, type ClipAssets } from './clip-workflow.js';

export type DemoAssets = ClipAssets;

export const DEMO_WORKFLOW_NAME = 'Demo: flat colorization';

/** The workflow a fresh studio opens with: the demo clip coloured by Flat Colorize from classical lineart. */
export function demoWorkflow(assets: DemoAssets): WorkflowDocument {
  return colorizeClipWorkflow(assets, {
    name: DEMO_WORKFLOW_NAME,
    lineart: { type: 'lineart/extract', params: { extractor: 'xdog' } },
    colorize: { type: 'colorize/flat', params: {} },
    output: 'colorized',
  });
}
