import type { ProviderChoice } from './session.js';
import { bundleContentHash } from './bundle-manifest.js';
import { openLvcdBundle, readBundleManifest, type LvcdBundle } from './bundle-networks.js';
import { OptimisedGraphCache } from './optimised-graphs.js';

interface Entry {
  contentHash: string;
  opening: Promise<LvcdBundle>;
  /** The bundle once opened. */
  bundle?: LvcdBundle;
  users: number;
  idleTimer?: NodeJS.Timeout;
}

const open = new Map<string, Entry>();

/** How long an unused bundle stays open; the real model holds gigabytes, so memory goes back after a while. */
let idleMs = 5 * 60_000;

/** Sets how long a bundle nobody uses stays open (0 closes it as soon as its last user releases it). */
export function setBundleIdleTimeout(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`bundle idle timeout must be >= 0 ms, got ${ms}`);
  idleMs = ms;
}

/** Where bundles opened from now on keep ORT's optimised graphs on the CPU (OptimisedGraphCache); none by default. */
let graphCache: OptimisedGraphCache | undefined;

/** Sets the folder of the optimised-graph cache for bundles opened from now on, or turns it off (undefined). */
export function setBundleGraphCache(dir: string | undefined): void {
  graphCache = dir === undefined ? undefined : new OptimisedGraphCache(dir);
}

/**
 * Whether this content of a bundle holds its weights in memory already on this provider, so they are not counted
 * again: open, with its denoiser (nearly all of the weights) opened. Sessions open on first use, so a bundle that
 * only extracted lineart so far holds little.
 */
export function isBundleOpen(dir: string, provider: ProviderChoice, contentHash: string): boolean {
  return open.get(poolKey(dir, provider, contentHash))?.bundle?.providers.denoiser !== undefined;
}

const poolKey = (dir: string, provider: ProviderChoice, contentHash: string) => `${provider}:${dir}:${contentHash}`;

/** How many bundles are open now (for health reports and tests). */
export function openBundleCount(): number {
  return open.size;
}

/** The content hashes of the bundles open now: a worker advertises them, so runs needing one go where it is already in memory. */
export function openBundleHashes(): string[] {
  return [...new Set([...open.values()].map((e) => e.contentHash))];
}

function close(key: string, entry: Entry): void {
  clearTimeout(entry.idleTimer);
  if (open.get(key) === entry) open.delete(key);
  void entry.opening.then((b) => b.release(), () => undefined);
}

/**
 * Opened bundles shared across runs: opening the real model takes seconds and gigabytes, so a bundle stays open
 * while it is in use and for the idle timeout after. Entries are keyed by the bundle's content hash, so a bundle
 * re-converted into the same folder is opened afresh and the old sessions close once idle. Another bundle asked
 * for closes idle ones at once: one set of weights in memory at a time when nothing else needs them.
 */
export async function acquireBundle(dir: string, provider: ProviderChoice): Promise<{ bundle: LvcdBundle; release(): void }> {
  const manifest = await readBundleManifest(dir);
  const contentHash = bundleContentHash(manifest);
  const key = poolKey(dir, provider, contentHash);
  for (const [other, entry] of open) if (other !== key && entry.users === 0) close(other, entry);
  let entry = open.get(key);
  if (!entry) {
    const created: Entry = { contentHash, opening: openLvcdBundle(dir, provider, manifest, graphCache), users: 0 };
    open.set(key, created);
    created.opening.then((b) => (created.bundle = b), () => open.get(key) === created && open.delete(key));
    entry = created;
  }
  clearTimeout(entry.idleTimer);
  entry.users++;
  const held = entry;
  const releaseOne = () => {
    held.users--;
    if (held.users > 0) return;
    if (idleMs === 0) close(key, held);
    else held.idleTimer = setTimeout(() => held.users === 0 && close(key, held), idleMs).unref();
  };
  try {
    const bundle = await held.opening;
    let released = false;
    return {
      bundle,
      release: () => {
        if (!released) releaseOne();
        released = true;
      },
    };
  } catch (e) {
    releaseOne();
    throw e;
  }
}
