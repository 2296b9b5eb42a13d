import { nodesOnCycles } from './graph.js';
import { checkParam } from './params.js';
import type { Problem } from './problems.js';
import { socketAccepts, type NodeSpec, type ParamValue } from './types.js';
import {
  NODE_UI_WIDTH,
  SEED_CONTROLS,
  WORKFLOW_FORMAT,
  WORKFLOW_LIMITS,
  WORKFLOW_VERSION,
  type Link,
  type NodeUi,
  type SeedControl,
  type WorkflowDocument,
  type WorkflowNode,
} from './workflow.js';

export interface ValidationOptions {
  /** The catalogue to check against (served by the server, so editor and server agree). */
  specs: ReadonlyMap<string, NodeSpec>;
  /** Whether an asset id is known; omitted in the editor, where the server checks it on queue. */
  assetExists?: (id: string) => boolean;
}

export interface ValidationResult {
  /** A clean copy holding only known fields, present when the document's shape could be read. */
  document?: WorkflowDocument;
  problems: Problem[];
}

/**
 * Validates an untrusted workflow document and returns every problem at once.
 * Works on `unknown`: the input may be anything a client sent.
 */
export function validateWorkflow(input: unknown, options: ValidationOptions): ValidationResult {
  const problems: Problem[] = [];
  const document = readDocument(input, problems);
  if (!document) return { problems };

  const nodesById = new Map(document.nodes.map((n) => [n.id, n]));
  for (const node of document.nodes) checkNode(node, options, problems);
  checkLinks(document.links, nodesById, options.specs, problems);
  checkRequiredInputs(document, options.specs, problems);

  const onCycle = nodesOnCycles(
    document.nodes.map((n) => n.id),
    document.links,
  );
  for (const id of onCycle) {
    problems.push({ code: 'cycle', node: id, message: 'this node is part of a cycle', fix: 'remove one of the links that loop back into it' });
  }
  return { document, problems };
}

function bad(problems: Problem[], message: string, fix: string, node?: string): undefined {
  problems.push({ code: 'bad-document', message, fix, ...(node ? { node } : {}) });
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readDocument(input: unknown, problems: Problem[]): WorkflowDocument | undefined {
  if (!isRecord(input)) return bad(problems, 'a workflow must be a JSON object', `export a workflow from the studio; it starts with {"format": "${WORKFLOW_FORMAT}"`);
  if (input.format !== WORKFLOW_FORMAT) {
    return bad(problems, `not an LVCD Studio workflow (format is ${JSON.stringify(input.format)?.slice(0, 60)})`, `the document needs "format": "${WORKFLOW_FORMAT}"`);
  }
  if (input.version !== WORKFLOW_VERSION) {
    const newer = typeof input.version === 'number' && input.version > WORKFLOW_VERSION;
    problems.push({
      code: 'unknown-version',
      message: `workflow version ${JSON.stringify(input.version)} is not supported (this studio reads version ${WORKFLOW_VERSION})`,
      fix: newer ? 'update LVCD Studio to open workflows made by a newer version' : `set "version": ${WORKFLOW_VERSION}`,
    });
    return undefined;
  }
  if (!Array.isArray(input.nodes)) return bad(problems, '"nodes" must be a list', 'give "nodes": [] at least');
  if (!Array.isArray(input.links)) return bad(problems, '"links" must be a list', 'give "links": [] at least');
  if (input.nodes.length > WORKFLOW_LIMITS.maxNodes) return bad(problems, `${input.nodes.length} nodes is over the limit of ${WORKFLOW_LIMITS.maxNodes}`, 'split the workflow');
  if (input.links.length > WORKFLOW_LIMITS.maxLinks) return bad(problems, `${input.links.length} links is over the limit of ${WORKFLOW_LIMITS.maxLinks}`, 'split the workflow');
  const meta = input.meta === undefined ? {} : input.meta;
  if (!isRecord(meta)) return bad(problems, '"meta" must be an object', 'give "meta": {}');
  // Checked before anything recurses into it: thousands of levels would overflow the stack (a 500, not a 400).
  if (tooDeep(meta, MAX_META_DEPTH)) return bad(problems, `"meta" is nested over ${MAX_META_DEPTH} levels deep`, 'keep meta a flat object of plain values');
  if (JSON.stringify(meta).length > WORKFLOW_LIMITS.maxMetaBytes) return bad(problems, '"meta" is too large', `keep it under ${WORKFLOW_LIMITS.maxMetaBytes} bytes`);

  const nodes: WorkflowNode[] = [];
  const seen = new Set<string>();
  input.nodes.forEach((raw, i) => {
    const node = readNode(raw, i, problems);
    if (!node) return;
    if (seen.has(node.id)) {
      problems.push({ code: 'duplicate-node-id', node: node.id, message: `two nodes have the id ${node.id}`, fix: 'give every node its own id' });
      return;
    }
    seen.add(node.id);
    nodes.push(node);
  });
  const links: Link[] = [];
  input.links.forEach((raw, i) => {
    const link = readLink(raw, i, problems);
    if (link) links.push(link);
  });
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, nodes, links, meta: structuredClone(meta) };
}

/** Editor metadata is a few levels deep at most (a name, a viewport, groups). */
const MAX_META_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than `limit`; iterative, so any depth is safe to ask about. */
function tooDeep(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= WORKFLOW_LIMITS.maxIdLength;
}

function readNode(raw: unknown, index: number, problems: Problem[]): WorkflowNode | undefined {
  if (!isRecord(raw)) return bad(problems, `nodes[${index}] is not an object`, 'each node is {id, type, params, position}');
  if (!isId(raw.id)) return bad(problems, `nodes[${index}] has no valid id`, `give it a text id of 1 to ${WORKFLOW_LIMITS.maxIdLength} characters`);
  const id = raw.id;
  if (!isId(raw.type)) return bad(problems, 'the node has no valid type', 'set "type" to a node type from the catalogue', id);
  const params = raw.params === undefined ? {} : raw.params;
  if (!isRecord(params)) return bad(problems, '"params" must be an object of named values', 'write params as {"name": value}', id);
  const clean: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      problems.push({ code: 'bad-param', node: id, param: name, message: 'a param value must be text, a number, true/false or null', fix: 'set a plain value' });
      continue;
    }
    Object.defineProperty(clean, name, { value, enumerable: true, writable: true, configurable: true });
  }
  const pos = isRecord(raw.position) ? raw.position : {};
  const x = typeof pos.x === 'number' && Number.isFinite(pos.x) ? pos.x : 0;
  const y = typeof pos.y === 'number' && Number.isFinite(pos.y) ? pos.y : 0;
  const node: WorkflowNode = { id, type: raw.type, params: clean, position: { x, y } };
  if (raw.bypass === true) node.bypass = true;
  if (typeof raw.title === 'string' && raw.title.length <= 200) node.title = raw.title;
  const ui = readNodeUi(raw.ui);
  if (ui) node.ui = ui;
  return node;
}

/** Only what the editor understands, in range; anything else there is dropped rather than refused (it is looks). */
function readNodeUi(raw: unknown): NodeUi | undefined {
  if (!isRecord(raw)) return undefined;
  const ui: NodeUi = {};
  if (typeof raw.width === 'number' && Number.isFinite(raw.width)) ui.width = Math.round(Math.min(NODE_UI_WIDTH.max, Math.max(NODE_UI_WIDTH.min, raw.width)));
  if (raw.collapsed === true) ui.collapsed = true;
  const afterRun = isRecord(raw.afterRun) ? Object.entries(raw.afterRun).filter((e): e is [string, Exclude<SeedControl, 'fixed'>] => isId(e[0]) && SEED_CONTROLS.includes(e[1] as SeedControl) && e[1] !== 'fixed') : [];
  if (afterRun.length) ui.afterRun = Object.fromEntries(afterRun);
  return Object.keys(ui).length ? ui : undefined;
}

/** What problems call a node: the user's title for it, else its type's. */
const nameOf = (node: WorkflowNode, spec: NodeSpec) => node.title ?? spec.title;

function readLink(raw: unknown, index: number, problems: Problem[]): Link | undefined {
  const from = isRecord(raw) && isRecord(raw.from) ? raw.from : undefined;
  const to = isRecord(raw) && isRecord(raw.to) ? raw.to : undefined;
  if (!from || !to || !isId(from.node) || !isId(from.output) || !isId(to.node) || !isId(to.input)) {
    return bad(problems, `links[${index}] is malformed`, 'each link is {"from": {"node", "output"}, "to": {"node", "input"}}');
  }
  return { from: { node: from.node, output: from.output }, to: { node: to.node, input: to.input } };
}

function checkNode(node: WorkflowNode, options: ValidationOptions, problems: Problem[]): void {
  const spec = options.specs.get(node.type);
  if (!spec) {
    problems.push({ code: 'unknown-node-type', node: node.id, message: `unknown node type "${node.type}"`, fix: 'replace it with a node from the catalogue, or update the studio' });
    return;
  }
  const specsByName = new Map(spec.params.map((p) => [p.name, p]));
  for (const name of Object.keys(node.params)) {
    if (!specsByName.has(name)) {
      problems.push({ code: 'unknown-param', node: node.id, param: name, message: `${nameOf(node, spec)} has no param "${name}"`, fix: `remove it; known params: ${spec.params.map((p) => p.name).join(', ') || 'none'}` });
    }
  }
  for (const p of spec.params) {
    const present = Object.hasOwn(node.params, p.name);
    if (!present && p.schema.kind !== 'asset') continue; // the default applies
    const value = present ? node.params[p.name] : null;
    const issue = checkParam(p, value);
    if (issue) {
      problems.push({ code: 'bad-param', node: node.id, param: p.name, ...issue });
    } else if (p.schema.kind === 'asset' && typeof value === 'string' && value && options.assetExists && !options.assetExists(value)) {
      problems.push({ code: 'unknown-asset', node: node.id, param: p.name, message: `asset ${value.slice(0, 12)}… is not in the asset store`, fix: 'upload the file again and pick it' });
    }
  }
}

function checkLinks(links: Link[], nodes: Map<string, WorkflowNode>, specs: ReadonlyMap<string, NodeSpec>, problems: Problem[]): void {
  const taken = new Set<string>();
  for (const l of links) {
    const fromNode = nodes.get(l.from.node);
    const toNode = nodes.get(l.to.node);
    if (!fromNode || !toNode) {
      const missing = fromNode ? l.to.node : l.from.node;
      problems.push({ code: 'unknown-node', node: missing, message: `a link refers to node ${missing}, which does not exist`, fix: 'delete the link' });
      continue;
    }
    const fromSpec = specs.get(fromNode.type);
    const toSpec = specs.get(toNode.type);
    if (!fromSpec || !toSpec) continue; // already reported as an unknown node type
    const output = fromSpec.outputs.find((o) => o.name === l.from.output);
    const input = toSpec.inputs.find((i) => i.name === l.to.input);
    if (!output) {
      problems.push({ code: 'unknown-output', node: fromNode.id, message: `${nameOf(fromNode, fromSpec)} has no output "${l.from.output}"`, fix: `connect one of: ${fromSpec.outputs.map((o) => o.name).join(', ')}` });
      continue;
    }
    if (!input) {
      problems.push({ code: 'unknown-input', node: toNode.id, input: l.to.input, message: `${nameOf(toNode, toSpec)} has no input "${l.to.input}"`, fix: `connect to one of: ${toSpec.inputs.map((i) => i.name).join(', ') || 'none'}` });
      continue;
    }
    const key = `${toNode.id}\u0000${input.name}`;
    if (taken.has(key)) {
      problems.push({ code: 'duplicate-input', node: toNode.id, input: input.name, message: 'two links feed this input', fix: 'keep only one link into it' });
    }
    taken.add(key);
    if (!socketAccepts(input.type, output.type)) {
      problems.push({
        code: 'type-mismatch',
        node: toNode.id,
        input: input.name,
        message: `input "${input.name}" takes ${input.type} but ${nameOf(fromNode, fromSpec)}.${output.name} gives ${output.type}`,
        fix: `connect a ${input.type} output instead`,
      });
    }
  }
}

function checkRequiredInputs(doc: WorkflowDocument, specs: ReadonlyMap<string, NodeSpec>, problems: Problem[]): void {
  const fed = new Set(doc.links.map((l) => `${l.to.node}\u0000${l.to.input}`));
  for (const node of doc.nodes) {
    const spec = specs.get(node.type);
    if (!spec) continue;
    for (const input of spec.inputs) {
      if (!input.optional && !fed.has(`${node.id}\u0000${input.name}`)) {
        problems.push({ code: 'missing-input', node: node.id, input: input.name, message: `${nameOf(node, spec)} needs its ${input.type} input "${input.name}"`, fix: `connect a node that gives ${input.type}` });
      }
    }
  }
}
