import { createBuiltinRegistry } from '@lvcd/nodes/catalogue';
import { validateWorkflow } from '@lvcd/nodes';
import { AssetStore } from '@lvcd/nodes/runtime';
import { loadConfig } from '../../config/config.js';
import { dataPaths } from '../../config/data-paths.js';
import { onePositional, parse } from '../args.js';
import { EXIT, type Command } from '../command.js';
import { cliProblemText } from '../problem-text.js';
import { readWorkflowFile } from '../read-workflow.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a workflow file and print every problem',
  usage: 'lvcd validate <workflow.json> [--data-dir DIR]   (assets are looked up in the data dir)',
  async run(args) {
    const { values, positionals } = parse(args, { 'data-dir': { type: 'string' } });
    const file = onePositional(positionals, 'workflow file');
    const config = loadConfig(process.env, { ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}) });
    const document = await readWorkflowFile(file);
    // Only reads the store (exists), so validating creates nothing in the data dir.
    const assets = new AssetStore(dataPaths(config.dataDir).assets);
    const { specs } = createBuiltinRegistry();
    const { problems } = validateWorkflow(document, { specs, assetExists: (id) => assets.exists(id) });
    if (problems.length === 0) {
      console.log(`${file}: valid`);
      return EXIT.ok;
    }
    console.log(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const p of problems) console.log(`  - ${cliProblemText(p, document, specs)}`);
    return EXIT.failed;
  },
};
