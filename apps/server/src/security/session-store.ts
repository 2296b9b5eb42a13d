import { randomBytes } from 'node:crypto';

/** Sessions beyond this many evict the oldest, so a login loop cannot grow memory without bound. */
const MAX_SESSIONS = 10_000;

/**
 * Logged-in sessions, in memory: ids are 256 random bits, so holding one is the proof. A restart logs
 * everyone out, which is the safe direction; logout revokes at once.
 */
export class SessionStore {
  private readonly sessions = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  create(now = Date.now()): { id: string; expiresAt: number } {
    this.sweep(now);
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.sessions.set(id, expiresAt);
    return { id, expiresAt };
  }

  isValid(id: string | undefined, now = Date.now()): boolean {
    if (!id) return false;
    const expiresAt = this.sessions.get(id);
    if (expiresAt === undefined) return false;
    if (expiresAt <= now) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  revoke(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(now: number): void {
    for (const [id, expiresAt] of this.sessions) if (expiresAt <= now) this.sessions.delete(id);
  }
}
