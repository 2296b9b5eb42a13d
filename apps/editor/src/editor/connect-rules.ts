// Which links may be made, and why not: pure functions over the plain document, shared by the canvas and the add menu.
import { socketAccepts, type Link, type NodeSpec, type SocketType, type WorkflowDocument } from '@lvcd/nodes';

export interface LinkEnds {
  from: { node: string; output: string };
  to: { node: string; input: string };
}

/** Why the link may not be made, or null when it may. */
export function refuseLink(doc: WorkflowDocument, specs: ReadonlyMap<string, NodeSpec>, link: LinkEnds): string | null {
  if (link.from.node === link.to.node) return 'a node cannot feed itself';
  const fromNode = doc.nodes.find((n) => n.id === link.from.node);
  const toNode = doc.nodes.find((n) => n.id === link.to.node);
  const fromSpec = fromNode && specs.get(fromNode.type);
  const toSpec = toNode && specs.get(toNode.type);
  if (!fromSpec || !toSpec) return 'unknown node';
  const output = fromSpec.outputs.find((o) => o.name === link.from.output);
  const input = toSpec.inputs.find((i) => i.name === link.to.input);
  if (!output || !input) return 'unknown socket';
  if (!socketAccepts(input.type, output.type)) {
    // Named as the canvas names them: by the user's title when the node has one.
    const to = toNode.title ?? toSpec.title;
    const from = fromNode.title ?? fromSpec.title;
    return `${to}.${input.label ?? input.name} takes ${input.type}, but ${from}.${output.label ?? output.name} gives ${output.type}`;
  }
  // The link that this one replaces (an input has one source) does not count towards a cycle.
  const others = doc.links.filter((l) => !(l.to.node === link.to.node && l.to.input === link.to.input));
  if (reaches(others, link.to.node, link.from.node)) return 'this link would make a cycle';
  return null;
}

/** Whether `start` can reach `goal` by following links downstream. */
export function reaches(links: readonly Link[], start: string, goal: string): boolean {
  const next = new Map<string, string[]>();
  for (const l of links) next.set(l.from.node, [...(next.get(l.from.node) ?? []), l.to.node]);
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

/** A dragged link's loose end: which side it came from and the type it carries. */
export interface LooseEnd {
  side: 'input' | 'output';
  type: SocketType;
}

/** The socket of `spec` that a loose end would attach to, or undefined when the spec has none that fits. */
export function matchingSocket(spec: NodeSpec, end: LooseEnd): string | undefined {
  if (end.side === 'output') return spec.inputs.find((i) => socketAccepts(i.type, end.type))?.name;
  return spec.outputs.find((o) => socketAccepts(end.type, o.type))?.name;
}
