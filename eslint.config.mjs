// Lint as guardrails: the dependency rules of the README are checked here, not left to reviewers.
// - apps depend on libs, never the reverse;
// - libs/media and libs/models know nothing of nodes, Nest, Vue or HTTP;
// - the browser-safe part of libs/nodes (its top-level files) and the editor import nothing Node-only;
// - no import cycles inside a library.
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

const APPS = ['@lvcd/server', '@lvcd/server/*', '@lvcd/editor', '@lvcd/editor/*'];
const FRAMEWORKS = ['@nestjs/*', 'vue', 'vue/*', 'express', 'socket.io', 'socket.io-client', 'rete', 'rete-*', 'typeorm', 'node:http', 'node:https', 'http', 'https'];
const NODE_ONLY = ['node:*', '@lvcd/models', '@lvcd/models/*', '@lvcd/media', '@lvcd/media/*', '@lvcd/nodes/runtime', '@lvcd/nodes/catalogue', 'onnxruntime-node', 'sharp', 'fflate'];

const WRITES = '/^(insert|update|upsert|delete|save|remove|softDelete|softRemove|increment|decrement|clear)$/';
/** Writes that bypass the server's one write path: on a repository, on the DataSource's manager, or a transaction of its own. */
const DIRECT_WRITES = [
  `CallExpression[callee.property.name=${WRITES}][callee.object.callee.property.name='getRepository']`,
  `CallExpression[callee.property.name=${WRITES}][callee.object.callee.object.callee.property.name='getRepository']`,
  `CallExpression[callee.property.name=${WRITES}][callee.object.property.name='manager']`,
  `CallExpression[callee.property.name='transaction']:not([callee.object.name='writer']):not([callee.object.property.name='writer'])`,
];

/** `no-restricted-imports` with every forbidden pattern and why. */
function forbid(patterns, message) {
  return { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.d.ts', 'e2e/test-results/**', '.data/**'] },
  {
    files: ['libs/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'apps/editor/src/**/*.vue'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: { 'import-x/extensions': ['.ts', '.js'], 'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })] },
  },
  {
    files: ['apps/editor/src/**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    files: ['libs/*/src/**/*.ts'],
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['libs/media/src/**/*.ts'],
    rules: forbid([...APPS, ...FRAMEWORKS, '@lvcd/models', '@lvcd/models/*', '@lvcd/nodes', '@lvcd/nodes/*', '../../../*'], 'libs/media is image and video work: it imports no other studio package, framework or HTTP.'),
  },
  {
    files: ['libs/models/src/**/*.ts'],
    rules: forbid([...APPS, ...FRAMEWORKS, '@lvcd/nodes', '@lvcd/nodes/*', '../../../*'], 'libs/models knows nothing of nodes, Nest, Vue or HTTP.'),
  },
  {
    files: ['libs/nodes/src/**/*.ts'],
    rules: forbid([...APPS, ...FRAMEWORKS], 'libs/nodes is shared by the apps and imports none of them, nor their frameworks.'),
  },
  {
    // The browser-safe entry of libs/nodes: the editor bundles it.
    files: ['libs/nodes/src/*.ts'],
    ignores: ['libs/nodes/src/*.spec.ts'],
    rules: forbid([...APPS, ...FRAMEWORKS, ...NODE_ONLY, './runtime/*', './catalogue/*', './testing/*'], "the top level of libs/nodes is its browser-safe part: move Node-only code to runtime/ or catalogue/."),
  },
  {
    files: ['apps/editor/src/**/*.ts', 'apps/editor/src/**/*.vue'],
    ignores: ['apps/editor/src/**/*.spec.ts'],
    rules: forbid([...NODE_ONLY, '@lvcd/server', '@lvcd/server/*', '@nestjs/*'], 'the editor runs in the browser: it imports only the browser-safe part of @lvcd/nodes.'),
  },
  {
    files: ['apps/server/src/**/*.ts'],
    rules: forbid(['@lvcd/editor', '@lvcd/editor/*', 'vue', 'vue/*', 'rete', 'rete-*'], 'the server does not import the editor.'),
  },
  {
    // On SQLite every query shares one connection: a write that skips the queue lands in whoever's transaction is open.
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/database/**'],
    rules: { 'no-restricted-syntax': ['error', ...DIRECT_WRITES.map((selector) => ({ selector, message: 'database writes go through DatabaseWriter (apps/server/src/database/database-writer.ts): writer.write((db) => db.insert(...)) or writer.transaction(...)' }))] },
  },
);
