import { createBuiltinRegistry } from '@lvcd/nodes/catalogue';
import { parse } from '../args.js';
import { EXIT, type Command } from '../command.js';

export const nodesCommand: Command = {
  name: 'nodes',
  summary: 'list the node catalogue',
  usage: 'lvcd nodes [--json]',
  async run(args) {
    const { values } = parse(args, { json: { type: 'boolean' } });
    const specs = createBuiltinRegistry().list();
    if (values.json) {
      console.log(JSON.stringify(specs, null, 2));
      return EXIT.ok;
    }
    for (const s of [...specs].sort((a, b) => a.category.localeCompare(b.category) || a.type.localeCompare(b.type))) {
      const inputs = s.inputs.map((i) => `${i.name}:${i.type}`).join(', ') || '-';
      const outputs = s.outputs.map((o) => `${o.name}:${o.type}`).join(', ') || '-';
      console.log(`${s.type.padEnd(24)} ${s.title}${s.isOutput ? ' (output)' : ''}`);
      console.log(`${''.padEnd(24)} in: ${inputs}   out: ${outputs}`);
    }
    return EXIT.ok;
  },
};
