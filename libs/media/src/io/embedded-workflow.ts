import { readMp4Comment } from './mp4-metadata.js';
import { addPngText, readPngText } from './png-text.js';

/** The PNG tEXt keyword under which outputs carry the workflow that produced them. */
export const WORKFLOW_PNG_KEYWORD = 'lvcd-workflow';

/** JSON with every non-ASCII character escaped: valid JSON that fits PNG tEXt (Latin-1) and ffmetadata. */
export function workflowToAsciiJson(workflow: unknown): string {
  return JSON.stringify(workflow).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function embedWorkflowInPng(png: Uint8Array, workflow: unknown): Uint8Array {
  return addPngText(png, WORKFLOW_PNG_KEYWORD, workflowToAsciiJson(workflow));
}

/**
 * The workflow embedded in a PNG (tEXt `lvcd-workflow`) or an mp4/mov (metadata comment) that the studio
 * saved, as parsed JSON; undefined when the file carries none. The caller validates the document: a
 * dropped file may hold anything.
 */
export function readEmbeddedWorkflow(bytes: Uint8Array): unknown {
  const text = readPngText(bytes, WORKFLOW_PNG_KEYWORD) ?? readMp4Comment(bytes);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
