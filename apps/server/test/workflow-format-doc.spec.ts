import { createBuiltinRegistry } from '@lvcd/nodes/catalogue';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_FORMAT_DOC, workflowFormatDoc } from '../src/cli/workflow-format-doc.js';
import { REPO } from './support/lvcd-cli.js';

describe('docs/workflow-format.md', () => {
  const generated = workflowFormatDoc(createBuiltinRegistry().list());

  it('is what `lvcd docs` generates from the catalogue now (run it after changing a node)', async () => {
    expect(await readFile(join(REPO, WORKFLOW_FORMAT_DOC), 'utf8')).toBe(generated);
  });

  it('has a section with every param of every node type', () => {
    for (const spec of createBuiltinRegistry().list()) {
      expect(generated).toContain(`### ${spec.type}\n`);
      for (const p of spec.params) expect(generated).toContain(`| ${p.description} |`);
    }
  });
});
