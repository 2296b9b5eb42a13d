import type { WorkflowDocument } from '../workflow.js';
import { colorizeClipWorkflow, type ClipAssets } from './clip-workflow.js';

export type DemoAssets = ClipAssets;

export const DEMO_WORKFLOW_NAME = 'Demo: flat colorization';

/**
 * The workflow a fresh studio opens with: the demo clip coloured by Flow Colorize (the no-GPU colorizer that
 * beats Copy Reference) from classical lineart. The name is kept: saved studios find their demo by it.
 */
export function demoWorkflow(assets: DemoAssets): WorkflowDocument {
  return colorizeClipWorkflow(assets, {
    name: DEMO_WORKFLOW_NAME,
    lineart: { type: 'lineart/extract', params: { extractor: 'xdog' } },
    colorize: { type: 'colorize/flow', params: {} },
    output: 'colorized',
  });
}
