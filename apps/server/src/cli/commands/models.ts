import { checkBundle } from '@lvcd/models';
import { onePositional, parse } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'inspect model bundles: `lvcd models check DIR` validates a converted bundle',
  usage: 'lvcd models check DIR',
  async run(args) {
    const [verb, ...rest] = args;
    if (verb !== 'check') throw new UsageError(`unknown models verb ${verb ?? '(none)'}; use: lvcd models check DIR`);
    const dir = onePositional(parse(rest, {}).positionals, 'bundle folder');
    const check = await checkBundle(dir);
    for (const problem of check.problems) console.log(`problem: ${problem}`);
    if (check.ok) console.log(`bundle ok: ${check.loaded.map((m) => `${m.id} (${m.provider})`).join(', ')} load in ONNX Runtime`);
    return check.ok ? EXIT.ok : EXIT.failed;
  },
};
