import type { WorkflowDocument } from '../workflow.js';
import { colorizeClipWorkflow, type ClipAssets } from './clip-workflow.js';

export type DemoAssets = ClipAssets;

/** The workflow a fresh studio opens with: the demo clip coloured by Flat Colorize from classical lineart. */
export function demoWorkflow(assets: DemoAssets): WorkflowDocument {
  return colorizeClipWorkflow(assets, {
    name: 'Demo: flat colorization',
    lineart: { type: 'lineart/extract', params: { extractor: 'xdog' } },
    colorize: { type: 'colorize/flat', params: {} },
    output: 'colorized',
  });
}
