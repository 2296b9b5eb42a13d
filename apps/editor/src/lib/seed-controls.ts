// ComfyUI's "control after run": once a run is queued, each seed with a control other than `fixed` moves on, so
// the next run draws other noise without the user touching it; the run queued keeps the seed it was sent with.
import { defaultValue, MAX_SEED, type NodeSpec, type SeedControl, type WorkflowDocument } from '@lvcd/nodes';

/** An exact random integer in 0..MAX_SEED: two 26/27-bit halves, no BigInt. */
export function randomSeed(): number {
  return Math.min(MAX_SEED, Math.floor(Math.random() * 2 ** 26) * 2 ** 27 + Math.floor(Math.random() * 2 ** 27));
}

/**
 * The seed after `runs` queued runs under `control` (a batch of 3 counts 3, as ComfyUI does after each prompt);
 * counting wraps within 0..MAX_SEED without leaving exact integers.
 */
export function nextSeed(seed: number, control: SeedControl, random: () => number = randomSeed, runs = 1): number {
  if (control === 'increment') return seed > MAX_SEED - runs ? runs - (MAX_SEED - seed) - 1 : seed + runs;
  if (control === 'decrement') return seed < runs ? MAX_SEED - (runs - seed) + 1 : seed - runs;
  if (control === 'randomise') return random();
  return seed;
}

/** The document with every controlled seed moved on after `runs` runs, or null when no node has a seed control. */
export function seedsAfterRun(doc: WorkflowDocument, specs: ReadonlyMap<string, NodeSpec>, runs = 1, random: () => number = randomSeed): WorkflowDocument | null {
  let moved = false;
  const nodes = doc.nodes.map((n) => {
    const controls = Object.entries(n.ui?.afterRun ?? {});
    const spec = specs.get(n.type);
    if (!controls.length || !spec) return n;
    const params = { ...n.params };
    for (const [name, control] of controls) {
      const p = spec.params.find((s) => s.name === name && s.schema.kind === 'seed');
      if (!p) continue;
      const seed = Object.hasOwn(params, name) ? (params[name] as number) : (defaultValue(p.schema) as number);
      params[name] = nextSeed(seed, control, random, runs);
      moved = true;
    }
    return { ...n, params };
  });
  return moved ? { ...doc, nodes } : null;
}
