// One clock for both sides: the playhead only moves to a frame both sides can show, so A and B never drift
// apart (a late frame pauses both, as a video player buffers, instead of one side skipping ahead).
import { reactive, ref } from 'vue';

export interface PlayerStats {
  /** Playhead advances during playback. */
  advanced: number;
  /** Ticks that were due to advance but waited for a frame to load. */
  stalled: number;
}

export function usePlayer(canShow: (i: number) => boolean) {
  const index = ref(0);
  const count = ref(1);
  const playing = ref(false);
  const fps = ref(12);
  const loop = reactive({ on: false, from: 0, to: 0 });
  const stats: PlayerStats = { advanced: 0, stalled: 0 };
  let due = 0;

  const range = (): [number, number] => {
    const last = Math.max(0, count.value - 1);
    if (!loop.on) return [0, last];
    const from = Math.min(Math.max(0, loop.from), last);
    return [from, Math.min(Math.max(from, loop.to), last)];
  };

  /** The frame after `i` in play order (wrapping inside the loop range, or the whole clip). */
  const after = (i: number): number => {
    const [lo, hi] = range();
    return i < lo || i >= hi ? lo : i + 1;
  };

  /** The next `n` frames in play order from `i` (the prefetch window). */
  function upcoming(i: number, n: number): number[] {
    const out = [i];
    let k = i;
    for (let s = 1; s < n; s++) {
      k = after(k);
      if (k === i) break;
      out.push(k);
    }
    return out;
  }

  /** Sets one end of the loop at the playhead and turns looping on; an end that would cross it moves to the clip's edge. */
  function setLoopEnd(which: 'from' | 'to'): void {
    const i = index.value;
    if (which === 'from') Object.assign(loop, { from: i, to: loop.on && loop.to >= i ? loop.to : count.value - 1 });
    else Object.assign(loop, { to: i, from: loop.on && loop.from <= i ? loop.from : 0 });
    loop.on = true;
  }

  function seek(i: number): void {
    index.value = Math.min(Math.max(0, Math.round(i)), Math.max(0, count.value - 1));
  }

  function step(delta: number): void {
    playing.value = false;
    seek(index.value + delta);
  }

  function toggle(): void {
    playing.value = !playing.value;
    due = 0;
  }

  /** Called on every animation frame; returns whether the playhead moved. */
  function tick(now: number): boolean {
    if (!playing.value) return false;
    const period = 1000 / Math.max(1, fps.value);
    if (due === 0) due = now + period;
    if (now < due) return false;
    const next = after(index.value);
    if (!canShow(next)) {
      stats.stalled++;
      return false;
    }
    index.value = next;
    stats.advanced++;
    // Keeps the beat; after a stall (or a slow tab) it restarts from now instead of racing to catch up.
    due = now - due > period ? now + period : due + period;
    return true;
  }

  return { index, count, playing, fps, loop, stats, range, upcoming, setLoopEnd, seek, step, toggle, tick };
}

export type Player = ReturnType<typeof usePlayer>;
