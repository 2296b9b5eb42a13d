import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from './index.js';

// The editor's tooltips, `lvcd nodes TYPE` and docs/workflow-format.md all show these, so a param without one is a gap users see.
describe('param descriptions', () => {
  const params = createBuiltinRegistry()
    .list()
    .flatMap((spec) => spec.params.map((param) => ({ where: `${spec.type} ${param.name}`, description: param.description ?? '' })));

  it('every param of every built-in node says what it does', () => {
    expect(params.filter((p) => p.description.trim() === '').map((p) => p.where)).toEqual([]);
  });

  it('each ends as a sentence and is short enough for a tooltip', () => {
    const bad = params.filter((p) => !p.description.endsWith('.') || p.description.length > 240);
    expect(bad.map((p) => `${p.where}: ${p.description}`)).toEqual([]);
  });
});
