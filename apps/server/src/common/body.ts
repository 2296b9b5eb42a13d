import { BadRequestException } from '@nestjs/common';

/**
 * Checks on request bodies at the edge. Bodies arrive as `unknown` and leave as typed values or a 400 that
 * names the field and what it should be.
 */
export function requireObject(value: unknown, what = 'the request body'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestException(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

export function requireString(body: Record<string, unknown>, key: string, maxLength: number): string {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequestException(`"${key}" must be a non-empty string`);
  if (value.length > maxLength) throw new BadRequestException(`"${key}" must be at most ${maxLength} characters`);
  return value.trim();
}

export function optionalString(body: Record<string, unknown>, key: string, maxLength: number): string | undefined {
  return body[key] === undefined ? undefined : requireString(body, key, maxLength);
}

export function optionalPositiveInteger(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new BadRequestException(`"${key}" must be a whole number of at least 1`);
  return value;
}

export function optionalStringList(body: Record<string, unknown>, key: string, maxItems: number, maxLength: number): string[] | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > maxItems || !value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= maxLength)) {
    throw new BadRequestException(`"${key}" must be a list of at most ${maxItems} non-empty strings`);
  }
  return value as string[];
}

/** A query-string integer (`?limit=`), bounded; absent means the fallback. */
export function queryInteger(raw: unknown, key: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new BadRequestException(`"${key}" must be a whole number from ${min} to ${max}`);
  return value;
}

/** A query-string value that must be one of `choices` (`?kind=video`); absent means no filter. */
export function queryChoice<T extends string>(raw: unknown, key: string, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) throw new BadRequestException(`"${key}" must be one of ${choices.join(', ')}`);
  return raw as T;
}
