import type { ProviderChoice } from './session.js';
import { openLvcdBundle, type LvcdBundle } from './bundle-networks.js';

interface Entry {
  opening: Promise<LvcdBundle>;
  users: number;
}

const open = new Map<string, Entry>();

/**
 * Opened bundles shared across runs: opening the real model takes seconds and gigabytes, so a bundle stays
 * open while it is in use and after, until another bundle is asked for while it is idle.
 */
export async function acquireBundle(dir: string, provider: ProviderChoice): Promise<{ bundle: LvcdBundle; release(): void }> {
  const key = `${provider}:${dir}`;
  for (const [other, entry] of open) {
    if (other !== key && entry.users === 0) {
      open.delete(other);
      void entry.opening.then((b) => b.release(), () => undefined);
    }
  }
  let entry = open.get(key);
  if (!entry) {
    entry = { opening: openLvcdBundle(dir, provider), users: 0 };
    open.set(key, entry);
    entry.opening.catch(() => open.delete(key));
  }
  entry.users++;
  const held = entry;
  try {
    const bundle = await held.opening;
    let released = false;
    return {
      bundle,
      release: () => {
        if (!released) held.users--;
        released = true;
      },
    };
  } catch (e) {
    held.users--;
    throw e;
  }
}
