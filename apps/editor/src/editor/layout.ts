import type { NodeSpec } from '@lvcd/nodes';

export const NODE_WIDTH = 260;

/** A first guess at a node's height, so arrange and the minimap are close before the view measures itself. */
export function estimateNodeHeight(spec: NodeSpec): number {
  const rows = Math.max(spec.inputs.length, spec.outputs.length);
  let h = 34 + rows * 24 + 8;
  for (const p of spec.params) h += p.schema.kind === 'asset' ? 120 : p.schema.kind === 'string' && p.schema.multiline ? 70 : 44;
  if (spec.isOutput) h += 150;
  return h;
}
