import { WORKFLOW_FORMAT, WORKFLOW_VERSION } from '@lvcd/nodes';
import { chain } from '../support/fixtures.js';
import type { Rng } from './helpers.js';

/** A value of a random wrong shape: what a confused or hostile client sends where something else belongs. */
export function junk(r: Rng, depth = 0): unknown {
  const kinds = ['null', 'bool', 'int', 'huge', 'tiny', 'string', 'unicode', 'long', 'array', 'object', 'proto'] as const;
  switch (r.pick(depth > 2 ? kinds.slice(0, 8) : kinds)) {
    case 'null':
      return null;
    case 'bool':
      return r.chance(0.5);
    case 'int':
      return r.int(-1000, 1000);
    case 'huge':
      return r.pick([1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 1.7976931348623157e308, 4294967296, 1e21]);
    case 'tiny':
      return r.pick([5e-324, -0, 1e-300, 0.1 + 0.2]);
    case 'string':
      return r.pick(['', ' ', 'x', '0', 'null', 'true', '../../etc/passwd', '..\\..\\windows', '/etc/passwd', 'file:///etc/passwd', 'C:\\boot.ini', '${process.exit()}', 'require("child_process")']);
    case 'unicode':
      return r.pick(['\u0000', '\ud800', '\udfff', '\u202e\u0066\u0069\u006c\u0065', 'ｉｍａｇｅ/ｌｏａｄ', '😀'.repeat(40), 'e\u0301', '\uffff\ufffe', 'İı', '\u200b\u200d']);
    case 'long':
      return 'A'.repeat(r.pick([129, 10_001, 100_000]));
    case 'array':
      return Array.from({ length: r.int(0, 4) }, () => junk(r, depth + 1));
    case 'object':
      return Object.fromEntries(Array.from({ length: r.int(0, 3) }, (_, i) => [`k${i}`, junk(r, depth + 1)]));
    case 'proto':
      return protoKeys(r);
  }
}

/** An object whose own keys are __proto__, constructor, prototype: JSON.parse makes them own properties. */
export function protoKeys(r: Rng): unknown {
  return JSON.parse(
    r.pick([
      '{"__proto__": {"polluted": "yes", "isAdmin": true}}',
      '{"constructor": {"prototype": {"polluted": "yes"}}}',
      '{"__proto__": null}',
      '{"prototype": {"polluted": "yes"}, "toString": 1, "hasOwnProperty": "x", "valueOf": {}}',
    ]),
  );
}

/** Nested arrays or objects `depth` levels deep. */
export function nested(depth: number, asArray: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

type Doc = Record<string, any>;

/**
 * One bad workflow: a valid chain (Load, Invert, Save of a real asset) with one to three mutations. Each
 * mutation breaks the document in a way a validator must name; a few leave it valid (e.g. an odd title),
 * which the server must simply accept.
 */
export function badWorkflow(r: Rng, assetId: string): unknown {
  if (r.chance(0.05)) return junk(r);
  const doc: Doc = structuredClone(chain(assetId, r.int(0, 3), 'fuzz')) as Doc;
  const mutations = r.int(1, 3);
  for (let i = 0; i < mutations; i++) r.pick(MUTATIONS)(r, doc, assetId);
  return doc;
}

/** A node object of the document to mutate (a throwaway one when the list was already broken). */
function anyNode(r: Rng, doc: Doc): Doc {
  const node: unknown = Array.isArray(doc.nodes) && doc.nodes.length ? r.pick(doc.nodes) : undefined;
  return typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Doc) : {};
}

const MUTATIONS: ((r: Rng, doc: Doc, assetId: string) => void)[] = [
  (r, doc) => (doc.format = r.pick([junk(r), 'lvcd-studio/workflow2', 'LVCD-STUDIO/WORKFLOW', `${WORKFLOW_FORMAT}\u0000`])),
  (r, doc) => (doc.version = r.pick([WORKFLOW_VERSION + 1, '1', 1e308, -1, 0, null, 1.5, [1]])),
  (r, doc) => (doc.nodes = r.pick([junk(r), {}, 'nodes', [null, 1, 'x', []]])),
  (r, doc) => (doc.links = r.pick([junk(r), {}, [null], [{ from: 'a', to: 'b' }], [{ from: { node: 'load' }, to: { node: 'save' } }]])),
  (r, doc) => (anyNode(r, doc).id = junk(r)),
  (r, doc) => (anyNode(r, doc).type = r.pick(['evil/exec', 'shell/run', 'python/eval', '__proto__', 'constructor', 'toString', 'image/load ', 'IMAGE/LOAD', junk(r)])),
  (r, doc) => (anyNode(r, doc).params = r.pick([junk(r), [], 'params', protoKeys(r)])),
  (r, doc) => {
    const node = anyNode(r, doc);
    if (typeof node.params !== 'object' || node.params === null) node.params = {};
    node.params[r.pick(['image', 'name', 'fps', 'count', '__proto__', 'constructor', 'prototype', 'command', 'path', 'code'])] = junk(r);
  },
  (r, doc) => {
    const node = anyNode(r, doc);
    node.params = { ...(typeof node.params === 'object' ? node.params : {}), image: r.pick(['../../../etc/passwd', `${'a'.repeat(63)}g`, 'A'.repeat(64), `${'0'.repeat(64)}/../x`, '0'.repeat(64), junk(r)]) };
  },
  (r, doc) => (anyNode(r, doc).position = r.pick([junk(r), { x: 'a', y: null }, { x: 1e308, y: -1e308 }, []])),
  (r, doc) => {
    const node = anyNode(r, doc);
    node.title = junk(r);
    node.bypass = junk(r);
  },
  (r, doc) => {
    // A cycle: two inverts feeding each other, or a node feeding itself.
    if (!Array.isArray(doc.nodes) || !Array.isArray(doc.links)) return;
    doc.nodes.push({ id: 'c1', type: 'image/invert', params: {}, position: { x: 0, y: 0 } }, { id: 'c2', type: 'image/invert', params: {}, position: { x: 0, y: 0 } });
    doc.links.push({ from: { node: 'c1', output: 'image' }, to: { node: 'c2', input: 'image' } });
    doc.links.push(r.chance(0.5) ? { from: { node: 'c2', output: 'image' }, to: { node: 'c1', input: 'image' } } : { from: { node: 'c1', output: 'image' }, to: { node: 'c1', input: 'image' } });
  },
  (r, doc) => {
    if (!Array.isArray(doc.links)) return;
    doc.links.push({ from: { node: r.pick(['ghost', 'load', junk(r)]), output: r.pick(['image', 'nope', junk(r)]) }, to: { node: r.pick(['save', 'ghost']), input: r.pick(['image', 'other']) } });
  },
  (r, doc) => {
    // Type mismatch: an image into a FRAMES input.
    if (!Array.isArray(doc.nodes) || !Array.isArray(doc.links)) return;
    doc.nodes.push({ id: 'pv', type: 'output/preview', params: { count: r.pick([8, 0, 65, 1e9, -1, 2.5]) }, position: { x: 0, y: 0 } });
    doc.links.push({ from: { node: 'load', output: 'image' }, to: { node: 'pv', input: 'frames' } });
  },
  (r, doc) => (doc.nodes = Array.from({ length: r.pick([2001, 2500]) }, (_, i) => ({ id: `n${i}`, type: 'image/invert', params: {}, position: { x: 0, y: 0 } }))),
  (r, doc) => (doc.links = Array.from({ length: 8001 }, () => ({ from: { node: 'load', output: 'image' }, to: { node: 'save', input: 'image' } }))),
  (r, doc) => (doc.meta = r.pick([nested(r.int(100, 3000), r.chance(0.5)), junk(r), { name: 'x'.repeat(70_000) }, protoKeys(r)])),
  (r, doc) => {
    const node = anyNode(r, doc);
    if (typeof node.params !== 'object' || node.params === null) node.params = {};
    node.params.name = nested(r.int(50, 2000), r.chance(0.5));
  },
  (r, doc) => {
    // Duplicate ids and duplicate inputs.
    if (!Array.isArray(doc.nodes) || !Array.isArray(doc.links)) return;
    doc.nodes.push({ ...structuredClone(doc.nodes[0]) });
    doc.links.push(structuredClone(doc.links[0]));
  },
  (r, doc) => {
    // Secrets and code never belong in a document: a node that "runs" something is just an unknown type.
    if (!Array.isArray(doc.nodes)) return;
    doc.nodes.push({ id: 'x', type: r.pick(['exec', 'code/python', 'lvcd/model-bundle']), params: { bundle: r.pick(['../../etc', '/etc', 'a/../../b', '..', 'lvcd']), command: 'rm -rf /' }, position: { x: 0, y: 0 } });
  },
  (r, doc) => {
    Object.assign(doc, protoKeys(r));
  },
  (r, doc) => {
    const node = anyNode(r, doc);
    node.id = r.pick(['😀', '\u202eevil', 'a\u0000b', '\ud800', 'ｌｏａｄ', 'x'.repeat(128), 'x'.repeat(129)]);
  },
];

/** A request body around a document for each endpoint, sometimes itself malformed. */
export function runBody(r: Rng, document: unknown): unknown {
  if (r.chance(0.08)) return r.pick([junk(r), { document, workflowId: 'x' }, { document, targets: junk(r) }, { document, socketId: junk(r) }, { workflowId: junk(r) }, {}]);
  return r.chance(0.1) ? { document, targets: r.pick([['save'], ['ghost'], [], ['save', 'save']]) } : { document };
}

export function saveBody(r: Rng, document: unknown): unknown {
  if (r.chance(0.08)) return r.pick([junk(r), { name: junk(r), document }, { name: '', document }, { name: 'x'.repeat(201), document }, { document }]);
  return { name: r.pick(['fuzz', '😀 wf', '\u202eevil', 'a'.repeat(200), '<script>alert(1)</script>']), document };
}
