import { createBuiltinRegistry } from '@lvcd/nodes/catalogue';
import { parse } from '../args.js';
import { EXIT, InputError, UsageError, type Command } from '../command.js';
import { nodeHelp } from '../param-format.js';

export const nodesCommand: Command = {
  name: 'nodes',
  summary: 'list the node catalogue, or describe one node type with its params',
  usage: 'lvcd nodes [TYPE] [--json]   (TYPE as in a workflow, e.g. frames/load)',
  async run(args) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError('expected at most one node type');
    const specs = createBuiltinRegistry().list();
    const wanted = positionals[0];
    if (wanted !== undefined) {
      const spec = specs.find((s) => s.type === wanted);
      if (!spec) {
        const near = specs.filter((s) => s.type.includes(wanted) || s.title.toLowerCase().includes(wanted.toLowerCase())).map((s) => s.type);
        throw new InputError(`no node type "${wanted}"${near.length ? `; did you mean ${near.join(', ')}?` : ''} (lvcd nodes lists them all)`);
      }
      console.log(values.json ? JSON.stringify(spec, null, 2) : nodeHelp(spec));
      return EXIT.ok;
    }
    if (values.json) {
      console.log(JSON.stringify(specs, null, 2));
      return EXIT.ok;
    }
    for (const s of [...specs].sort((a, b) => a.category.localeCompare(b.category) || a.type.localeCompare(b.type))) {
      const inputs = s.inputs.map((i) => `${i.name}:${i.type}`).join(', ') || '-';
      const outputs = s.outputs.map((o) => `${o.name}:${o.type}`).join(', ') || '-';
      const params = s.params.map((p) => `${p.name}=${p.schema.kind === 'asset' ? `<${p.schema.accept.join('|')}>` : String(p.schema.default)}`).join(' ') || '-';
      console.log(`${s.type.padEnd(24)} ${s.title}${s.isOutput ? ' (output)' : ''}`);
      console.log(`${''.padEnd(24)} in: ${inputs}   out: ${outputs}`);
      console.log(`${''.padEnd(24)} params: ${params}`);
    }
    console.log('\nlvcd nodes TYPE describes one node: its params with ranges, defaults and descriptions');
    return EXIT.ok;
  },
};
