import { MAX_SEED, type ParamSchema, type ParamSpec, type ParamValue } from './types.js';
import { WORKFLOW_LIMITS } from './workflow.js';

/** Content ids of assets are sha256 hex digests: nothing else may reach the asset store. */
export const ASSET_ID_PATTERN = /^[0-9a-f]{64}$/;

export function defaultValue(schema: ParamSchema): ParamValue {
  return schema.kind === 'asset' ? null : schema.default;
}

/** Checks one param value against its schema; returns a message and fix, or null when the value is fine. */
export function checkParam(spec: ParamSpec, value: unknown): { message: string; fix: string } | null {
  const s = spec.schema;
  switch (s.kind) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return { message: `expects a ${s.kind}, got ${describe(value)}`, fix: `set a ${s.kind} between ${s.min} and ${s.max}` };
      }
      if (s.kind === 'integer' && !Number.isInteger(value)) {
        return { message: `expects a whole number, got ${value}`, fix: `round it, e.g. ${Math.round(value)}` };
      }
      if (value < s.min || value > s.max) {
        return { message: `${value} is out of range [${s.min}, ${s.max}]`, fix: `set a value between ${s.min} and ${s.max}` };
      }
      return null;
    }
    case 'seed':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SEED) {
        return { message: `expects a seed (a whole number >= 0), got ${describe(value)}`, fix: `set a whole number between 0 and ${MAX_SEED}` };
      }
      return null;
    case 'enum':
      if (typeof value !== 'string' || !s.options.includes(value)) {
        return { message: `expects one of ${s.options.join(', ')}, got ${describe(value)}`, fix: `pick one of ${s.options.join(', ')}` };
      }
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : { message: `expects true or false, got ${describe(value)}`, fix: 'set true or false' };
    case 'string': {
      const max = Math.min(s.maxLength, WORKFLOW_LIMITS.maxStringParam);
      if (typeof value !== 'string') return { message: `expects text, got ${describe(value)}`, fix: 'set a text value' };
      if (value.length > max) return { message: `text is ${value.length} characters, over the limit of ${max}`, fix: `shorten it to ${max} characters` };
      return null;
    }
    case 'asset':
      if (value === null || value === undefined || value === '') {
        return s.optional ? null : { message: 'no asset chosen', fix: `upload or pick a ${s.accept.join(' or ')} file` };
      }
      if (typeof value !== 'string' || !ASSET_ID_PATTERN.test(value)) {
        return { message: `expects an asset id (content hash), got ${describe(value)}`, fix: 'pick the file with the asset picker; paths are not accepted' };
      }
      return null;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'a list' : typeof value;
}

/** The params a node runs with: its stored values over the schema defaults. Assumes the values passed validation. */
export function resolveParams(specs: readonly ParamSpec[], stored: Record<string, ParamValue>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const spec of specs) {
    out[spec.name] = Object.hasOwn(stored, spec.name) ? stored[spec.name]! : defaultValue(spec.schema);
  }
  return out;
}
