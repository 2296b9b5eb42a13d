import { ASSET_ID_PATTERN, checkParam, type AssetKind, type NodeSpec, type ParamSchema, type ParamSpec, type ParamValue } from '@lvcd/nodes';
import { InputError, UsageError } from './command.js';

/** One `--set NODE.PARAM=VALUE`: a param of one node of the workflow, as the user typed it. */
export interface Override {
  node: string;
  param: string;
  text: string;
}

/** Turns a local file or folder given for an asset param into an asset id (the data dir's store, or a studio's uploads). */
export type AssetImporter = (path: string, accept: readonly AssetKind[], where: string) => Promise<string>;

export function parseOverride(flag: string): Override {
  const match = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(flag);
  if (!match) throw new UsageError(`--set "${flag}": expected NODE.PARAM=VALUE, e.g. --set load.frames=./clip.zip`);
  return { node: match[1]!.trim(), param: match[2]!.trim(), text: match[3]! };
}

interface RawNode {
  id?: unknown;
  type?: unknown;
  params?: unknown;
}

/**
 * Applies the overrides to a copy of the workflow, every one checked against the node's param schema before it
 * is set; an asset param given a path instead of an asset id imports that file first. All problems are reported
 * at once, each naming the node, the param and the fix.
 */
export async function applyOverrides(raw: unknown, overrides: readonly Override[], specs: ReadonlyMap<string, NodeSpec>, importAsset: AssetImporter): Promise<unknown> {
  if (overrides.length === 0) return raw;
  const nodes = typeof raw === 'object' && raw !== null ? (raw as { nodes?: unknown }).nodes : undefined;
  if (!Array.isArray(nodes)) throw new InputError('--set needs a workflow document with a "nodes" list; this file has none');
  const document = structuredClone(raw) as { nodes: RawNode[] };
  const problems: string[] = [];
  for (const o of overrides) {
    const where = `--set ${o.node}.${o.param}`;
    try {
      const node = document.nodes.find((n) => n?.id === o.node);
      if (!node) throw new InputError(`${where}: the workflow has no node "${o.node}"; its nodes are ${nodeList(document.nodes, specs)}`);
      const spec = typeof node.type === 'string' ? specs.get(node.type) : undefined;
      if (!spec) throw new InputError(`${where}: node "${o.node}" has type ${JSON.stringify(node.type)}, which is not in the catalogue (lvcd nodes lists the types)`);
      const param = spec.params.find((p) => p.name === o.param);
      if (!param) {
        const names = spec.params.map((p) => p.name).join(', ') || 'none';
        throw new InputError(`${where}: ${spec.title} (${o.node}) has no param "${o.param}"; its params are ${names} (lvcd nodes ${spec.type} describes them)`);
      }
      const value = await valueOf(param, o.text, where, importAsset);
      const problem = checkParam(param, value);
      if (problem) throw new InputError(`${where}=${o.text}: ${problem.message} (${problem.fix})`);
      node.params = { ...(typeof node.params === 'object' && node.params !== null ? node.params : {}), [o.param]: value };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      // The importer's own errors (a missing file, a refused upload) do not know which --set they came from.
      problems.push(e.message.startsWith(where) ? e.message : `${where}: ${e.message}`);
    }
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return document;
}

/** The typed value of a param from its text; a number or switch that does not parse is left for checkParam to name. */
async function valueOf(param: ParamSpec, text: string, where: string, importAsset: AssetImporter): Promise<ParamValue> {
  const schema: ParamSchema = param.schema;
  switch (schema.kind) {
    case 'number':
    case 'integer':
    case 'seed':
      return text.trim() === '' || !Number.isFinite(Number(text)) ? text : Number(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'enum':
    case 'string':
      return text;
    case 'asset':
      if (text === '') return null;
      return ASSET_ID_PATTERN.test(text) ? text : importAsset(text, schema.accept, where);
  }
}

function nodeList(nodes: RawNode[], specs: ReadonlyMap<string, NodeSpec>): string {
  const named = nodes.map((n) => `${String(n?.id)} (${(typeof n?.type === 'string' && specs.get(n.type)?.title) || String(n?.type)})`);
  return named.join(', ') || 'none';
}
