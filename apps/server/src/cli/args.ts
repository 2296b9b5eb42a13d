import { parseArgs, type ParseArgsConfig } from 'node:util';
import { integer } from '../config/config.js';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with its errors turned into usage errors. */
export function parse<T extends Options>(
  args: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected exactly one ${what}`);
  return positionals[0]!;
}

export function portFlag(raw: string | undefined): number | undefined {
  try {
    return raw === undefined ? undefined : integer('--port', raw, 0, 0, 65535);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
