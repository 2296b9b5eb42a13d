import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time check of a presented secret against the configured ones. Both sides are hashed first so
 * the comparison is over equal lengths and leaks neither the length nor a matching prefix; every secret is
 * compared (no early exit) so timing does not tell which one exists.
 */
export function matchesSecret(presented: unknown, secrets: readonly string[]): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 1024) return false;
  const given = digest(presented);
  let ok = false;
  for (const secret of secrets) ok = timingSafeEqual(given, digest(secret)) || ok;
  return ok;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Whether a value (a workflow about to be saved or run) holds a configured secret anywhere in its JSON,
 * so a pasted token never lands in the database or in an output's embedded workflow.
 */
export function containsSecret(value: unknown, secrets: readonly string[]): boolean {
  if (secrets.length === 0 || value === undefined) return false;
  const text = JSON.stringify(value);
  return secrets.some((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)));
}
