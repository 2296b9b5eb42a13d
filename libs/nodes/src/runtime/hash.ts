import { createHash } from 'node:crypto';

/** JSON with sorted keys, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The cache key of a node's outputs: its type and version, its resolved params, the keys of what feeds its
 * inputs, and its fingerprint (the content of files its params name). Asset params are content hashes already,
 * so a changed upload changes the key.
 */
export function nodeCacheKey(type: string, version: number, params: Record<string, unknown>, inputKeys: Record<string, string>, fingerprint?: string): string {
  return sha256(canonicalJson({ type, version, params, inputs: inputKeys, ...(fingerprint === undefined ? {} : { fingerprint }) }));
}
