import type { Segmentation } from './segmentation.js';

export interface MatchOptions {
  /** Least overlap score (|A∩B|² / (|A|·|B|)) to accept a match by overlap. */
  minOverlapScore: number;
  /** How far (fraction of the frame diagonal) a region's centroid may move for the shape fallback. */
  maxShift: number;
}

export const defaultMatchOptions: MatchOptions = { minOverlapScore: 0.15, maxShift: 0.08 };

/** How a region of the current frame found its colour; counted for diagnostics and tests. */
export interface MatchResult {
  /** Per current region (index = label): the matched previous region, 0 where none. */
  source: Int32Array;
  /** Per current region: 1 matched by overlap, 2 by position/area/shape, 3 by the majority fallback. */
  how: Uint8Array;
}

/**
 * Matches each region of `cur` to a region of `prev`. First by overlap: the score |A∩B|²/(|A|·|B|) is 1 for
 * identical regions and punishes both a small region inside a big one and the reverse. When no overlap is
 * convincing (fast motion, occlusion), the nearest previous region of similar area and bounding-box shape
 * within `maxShift` is taken; failing that, the previous region covering most of the current one.
 */
export function matchRegions(prev: Segmentation, cur: Segmentation, o: MatchOptions = defaultMatchOptions): MatchResult {
  const overlaps = overlapTable(prev, cur);
  const source = new Int32Array(cur.count + 1);
  const how = new Uint8Array(cur.count + 1);
  const bestScore = new Float64Array(cur.count + 1);
  const majority = new Int32Array(cur.count + 1);
  const majorityCount = new Int32Array(cur.count + 1);
  const stride = prev.count + 1;
  for (const [key, inter] of overlaps) {
    const c = Math.floor(key / stride);
    const p = key - c * stride;
    const score = (inter * inter) / (cur.area[c]! * prev.area[p]!);
    if (score > bestScore[c]!) (bestScore[c] = score), (source[c] = p);
    if (inter > majorityCount[c]!) (majorityCount[c] = inter), (majority[c] = p);
  }
  const maxShift = o.maxShift * Math.hypot(cur.width, cur.height);
  for (let c = 1; c <= cur.count; c++) {
    if (bestScore[c]! >= o.minOverlapScore) {
      how[c] = 1;
      continue;
    }
    const near = nearestSimilar(prev, cur, c, maxShift);
    if (near > 0) {
      source[c] = near;
      how[c] = 2;
    } else {
      source[c] = majority[c]!;
      how[c] = 3;
    }
  }
  return { source, how };
}

/** Pixel counts of (current region, previous region) pairs, keyed cur * (prev.count + 1) + prev. */
function overlapTable(prev: Segmentation, cur: Segmentation): Map<number, number> {
  const stride = prev.count + 1;
  const table = new Map<number, number>();
  const a = cur.labels;
  const b = prev.labels;
  // Runs of equal pairs are common (regions are blobs), so count a run at once instead of per pixel.
  let i = 0;
  while (i < a.length) {
    const c = a[i]!;
    const p = b[i]!;
    let j = i + 1;
    while (j < a.length && a[j] === c && b[j] === p) j++;
    const key = c * stride + p;
    table.set(key, (table.get(key) ?? 0) + (j - i));
    i = j;
  }
  return table;
}

function nearestSimilar(prev: Segmentation, cur: Segmentation, c: number, maxShift: number): number {
  let best = 0;
  let bestCost = Infinity;
  const aspect = (s: Segmentation, l: number) => Math.log((s.maxX[l]! - s.minX[l]! + 1) / (s.maxY[l]! - s.minY[l]! + 1));
  const curAspect = aspect(cur, c);
  for (let p = 1; p <= prev.count; p++) {
    const areaRatio = Math.abs(Math.log(cur.area[c]! / prev.area[p]!));
    if (areaRatio > Math.LN2) continue;
    const shift = Math.hypot(cur.cx[c]! - prev.cx[p]!, cur.cy[c]! - prev.cy[p]!);
    if (shift > maxShift) continue;
    const cost = shift / maxShift + areaRatio + 0.5 * Math.abs(curAspect - aspect(prev, p));
    if (cost < bestCost) (bestCost = cost), (best = p);
  }
  return best;
}
