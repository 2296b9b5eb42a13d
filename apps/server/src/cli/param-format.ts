import type { NodeSpec, ParamSchema, ParamSpec } from '@lvcd/nodes';

/** A param's type, range and default in one phrase, as `lvcd nodes TYPE` and docs/workflow-format.md print it. */
export function schemaSummary(schema: ParamSchema): string {
  switch (schema.kind) {
    case 'number':
    case 'integer':
      return `${schema.kind} from ${schema.min} to ${schema.max}${schema.step !== undefined ? ` in steps of ${schema.step}` : ''}, default ${schema.default}`;
    case 'seed':
      return `seed (whole number from 0), default ${schema.default}`;
    case 'enum':
      return `one of ${schema.options.join(', ')}; default ${schema.default}`;
    case 'boolean':
      return `true or false, default ${schema.default}`;
    case 'string':
      return `text of at most ${schema.maxLength} characters, default ${schema.default === '' ? 'empty' : JSON.stringify(schema.default)}`;
    case 'asset':
      return `asset id of a ${schema.accept.join(' or ')} file${schema.optional ? ', optional' : ', required'}`;
  }
}

export function paramTitle(param: ParamSpec): string {
  return param.label && param.label !== param.name ? `${param.name} ("${param.label}")` : param.name;
}

/** `lvcd nodes TYPE`: one node's sockets and params with their types, ranges, defaults and descriptions. */
export function nodeHelp(spec: NodeSpec): string {
  const lines = [`${spec.type}  ${spec.title}${spec.isOutput ? ' (output: runs by default)' : ''}  [${spec.category}]`, '', spec.description, ''];
  lines.push('inputs:', ...(spec.inputs.length ? spec.inputs.map((i) => `  ${i.name}: ${i.type}${i.optional ? ' (optional)' : ''}${i.label ? `  "${i.label}"` : ''}`) : ['  none']));
  lines.push('outputs:', ...(spec.outputs.length ? spec.outputs.map((o) => `  ${o.name}: ${o.type}${o.label ? `  "${o.label}"` : ''}`) : ['  none']));
  lines.push('params:');
  if (spec.params.length === 0) lines.push('  none');
  for (const p of spec.params) lines.push(`  ${paramTitle(p)}: ${schemaSummary(p.schema)}`, `      ${p.description ?? ''}`);
  return lines.join('\n');
}
