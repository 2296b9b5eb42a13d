import { ConfigError } from '../config/config.js';
import { EXIT, InputError, UsageError, type Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { WorkflowFileError } from './read-workflow.js';

function help(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return ['usage: lvcd <command> [options]', '', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', 'lvcd <command> --help for its options'].join('\n');
}

/** Runs one CLI invocation and returns its exit code; errors a user can fix are printed without a stack. */
export async function main(argv: string[], commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help(commands));
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`unknown command "${name}"\n\n${help(commands)}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: ${command.usage}`);
    return EXIT.ok;
  }
  try {
    return await command.run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\nusage: ${command.usage}`);
      return EXIT.usage;
    }
    if (e instanceof WorkflowFileError || e instanceof ConfigError || e instanceof InputError) {
      console.error(e.message);
      return EXIT.failed;
    }
    throw e;
  }
}
