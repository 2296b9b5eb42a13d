/** One `lvcd` subcommand. Returns the process exit code. */
export interface Command {
  name: string;
  /** One line for `lvcd help`. */
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Wrong usage: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A problem with what the user gave (a file, a --set value, a server): printed without a stack, exit code 1. */
export class InputError extends Error {
  override name = 'InputError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
