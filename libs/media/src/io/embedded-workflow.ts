import { addPngText } from './png-text.js';

/** The PNG tEXt keyword under which outputs carry the workflow that produced them (PNG_WORKFLOW_KEY in @lvcd/nodes). */
export const WORKFLOW_PNG_KEYWORD = 'lvcd-workflow';

/** JSON with every non-ASCII character escaped: valid JSON that fits PNG tEXt (Latin-1) and ffmetadata. */
export function workflowToAsciiJson(workflow: unknown): string {
  return JSON.stringify(workflow).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function embedWorkflowInPng(png: Uint8Array, workflow: unknown): Uint8Array {
  return addPngText(png, WORKFLOW_PNG_KEYWORD, workflowToAsciiJson(workflow));
}
