/** A file name the user typed, made safe: word characters, dots and dashes only, never empty. */
export function safeFileBase(name: unknown, fallback: string): string {
  return String(name ?? '').replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(0, 80) || fallback;
}
