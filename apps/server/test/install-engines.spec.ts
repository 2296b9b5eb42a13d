import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/lvcd-cli.js';

interface Semver {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
}

// npm's own range semantics: the semver package every npm install brings, resolved from the repository root.
const semver = createRequire(join(REPO, 'package.json'))('semver') as Semver;

describe('install on the oldest supported Node', () => {
  it('every locked package accepts the lowest Node the root engines field allows (npm ci prints no EBADENGINE)', async () => {
    const root = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
    const lock = JSON.parse(await readFile(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: unknown }> };
    const oldest = semver.minVersion(root.engines.node)!.version;
    const refusing = Object.entries(lock.packages)
      .map(([path, p]) => ({ path, version: p.version, range: (p.engines as { node?: unknown } | undefined)?.node }))
      .filter((p): p is { path: string; version: string | undefined; range: string } => typeof p.range === 'string')
      .filter((p) => !semver.satisfies(oldest, p.range))
      .map((p) => `${p.path}@${p.version} wants node ${p.range}`);
    // A package here needs an override in the root package.json (as js-beautify's nopt has) or a raised engines field.
    expect(refusing, `Node ${oldest}`).toEqual([]);
  });
});
