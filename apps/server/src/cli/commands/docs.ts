import { createBuiltinRegistry } from '@lvcd/nodes/catalogue';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../args.js';
import { EXIT, type Command } from '../command.js';
import { WORKFLOW_FORMAT_DOC, workflowFormatDoc } from '../workflow-format-doc.js';

/** The repository root, from this file's place in apps/server/dist/cli/commands. */
const REPO = resolve(fileURLToPath(import.meta.url), '../../../../../..');

export const docsCommand: Command = {
  name: 'docs',
  summary: `write ${WORKFLOW_FORMAT_DOC} (the workflow format and every node type) from the node catalogue`,
  usage: `lvcd docs [--out FILE] [--check]   (default FILE: the repository's ${WORKFLOW_FORMAT_DOC}; --check only says whether it is current)`,
  async run(args) {
    const { values } = parse(args, { out: { type: 'string' }, check: { type: 'boolean' } });
    const file = values.out ? resolve(values.out) : resolve(REPO, WORKFLOW_FORMAT_DOC);
    const text = workflowFormatDoc(createBuiltinRegistry().list());
    if (values.check) {
      const current = await readFile(file, 'utf8').catch(() => '');
      if (current === text) return EXIT.ok;
      console.error(`${file} is out of date with the node catalogue; run lvcd docs`);
      return EXIT.failed;
    }
    await writeFile(file, text);
    console.log(`wrote ${file}`);
    return EXIT.ok;
  },
};
