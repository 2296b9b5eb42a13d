#!/usr/bin/env node
// The `lvcd` command. The CLI is compiled with the server; build first (npm run build).
let cli;
try {
  cli = await import('../apps/server/dist/cli/main.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  console.error('lvcd is not built yet: run `npm run build` in the repository root first');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
