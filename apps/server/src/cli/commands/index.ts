import type { Command } from '../command.js';
import { assetsCommand } from './assets.js';
import { convertCommand } from './convert.js';
import { docsCommand } from './docs.js';
import { modelsCommand } from './models.js';
import { nodesCommand } from './nodes.js';
import { planCommand } from './plan.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { validateCommand } from './validate.js';
import { workerCommand } from './worker.js';

/**
 * Every `lvcd` subcommand. To add one, write a Command in this folder and list it here; `lvcd help` and dispatch pick it up. A command with sub-verbs parses its own first argument.
 */
export const COMMANDS: readonly Command[] = [serveCommand, workerCommand, runCommand, planCommand, validateCommand, assetsCommand, nodesCommand, docsCommand, convertCommand, modelsCommand];
