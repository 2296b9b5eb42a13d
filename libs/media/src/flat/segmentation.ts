/**
 * Splits a sketch into closed regions: dark pixels are walls, small gaps in the walls are closed by
 * dilating them, and every 4-connected area of paper becomes a region. Regions under `minArea` (specks,
 * hatching) are dropped, and then every pixel (walls included) joins its nearest region, so the labels
 * cover the whole frame for painting and matching.
 */
export interface SegmentOptions {
  /** Grey level under which a sketch pixel is a wall (0-255). */
  lineThreshold: number;
  /** Radius in pixels of the dilation that closes gaps in the lines before filling. */
  gapClose: number;
  /** Regions with fewer pixels are treated as part of the line. */
  minArea: number;
}

export interface Segmentation {
  width: number;
  height: number;
  /** Number of regions; labels run 1..count. */
  count: number;
  /** Region of every pixel, 1-based (walls included after growing). */
  labels: Int32Array;
  /** 1 where the pixel is open paper inside its region (not a wall, not a grown-over gap): where colour is sampled. */
  core: Uint8Array;
  /** Per region (index = label): pixel count, centroid and bounding box, over the grown labels. */
  area: Int32Array;
  cx: Float32Array;
  cy: Float32Array;
  minX: Int32Array;
  maxX: Int32Array;
  minY: Int32Array;
  maxY: Int32Array;
}

export function segmentSketch(gray: Uint8Array, width: number, height: number, o: SegmentOptions): Segmentation {
  const n = width * height;
  const wall = new Uint8Array(n);
  for (let i = 0; i < n; i++) wall[i] = gray[i]! < o.lineThreshold ? 1 : 0;
  const closed = o.gapClose > 0 ? dilate(wall, width, height, o.gapClose) : wall;
  const labels = new Int32Array(n);
  const queue = new Int32Array(n);
  let count = fillRegions(closed, labels, width, height, queue);
  count = dropSmall(labels, count, o.minArea);
  const core = new Uint8Array(n);
  for (let i = 0; i < n; i++) core[i] = labels[i]! > 0 && !wall[i] ? 1 : 0;
  if (count === 0) {
    labels.fill(1); // nothing but lines (or an empty frame): one region, coloured by the fallback
    count = 1;
  } else {
    growLabels(labels, width, height, queue);
  }
  return { width, height, count, labels, core, ...regionStats(labels, count, width, height) };
}

/** Square dilation by `r` using running sums along rows then columns: O(pixels) whatever the radius. */
function dilate(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let x = 0; x < Math.min(r, w); x++) sum += mask[row + x]!;
    for (let x = 0; x < w; x++) {
      if (x + r < w) sum += mask[row + x + r]!;
      if (x - r - 1 >= 0) sum -= mask[row + x - r - 1]!;
      rows[row + x] = sum > 0 ? 1 : 0;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < w; x++) {
    let sum = 0;
    for (let y = 0; y < Math.min(r, h); y++) sum += rows[y * w + x]!;
    for (let y = 0; y < h; y++) {
      if (y + r < h) sum += rows[(y + r) * w + x]!;
      if (y - r - 1 >= 0) sum -= rows[(y - r - 1) * w + x]!;
      out[y * w + x] = sum > 0 ? 1 : 0;
    }
  }
  return out;
}

/** Flood-fills each 4-connected area of non-wall pixels with its own label; returns the count. */
function fillRegions(wall: Uint8Array, labels: Int32Array, w: number, h: number, queue: Int32Array): number {
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (wall[start] || labels[start]) continue;
    const label = ++count;
    labels[start] = label;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const i = queue[head++]!;
      const x = i % w;
      if (x > 0 && !wall[i - 1] && !labels[i - 1]) (labels[i - 1] = label), (queue[tail++] = i - 1);
      if (x < w - 1 && !wall[i + 1] && !labels[i + 1]) (labels[i + 1] = label), (queue[tail++] = i + 1);
      if (i >= w && !wall[i - w] && !labels[i - w]) (labels[i - w] = label), (queue[tail++] = i - w);
      if (i < w * (h - 1) && !wall[i + w] && !labels[i + w]) (labels[i + w] = label), (queue[tail++] = i + w);
    }
  }
  return count;
}

/** Unlabels regions under `minArea` and renumbers the rest 1..k; returns k. */
function dropSmall(labels: Int32Array, count: number, minArea: number): number {
  const area = new Int32Array(count + 1);
  for (let i = 0; i < labels.length; i++) area[labels[i]!]!++;
  const remap = new Int32Array(count + 1);
  let kept = 0;
  for (let l = 1; l <= count; l++) if (area[l]! >= minArea) remap[l] = ++kept;
  for (let i = 0; i < labels.length; i++) labels[i] = remap[labels[i]!]!;
  return kept;
}

/** Breadth-first growth of labels into unlabelled pixels: each takes the label of its nearest region (4-connected). */
function growLabels(labels: Int32Array, w: number, h: number, queue: Int32Array): void {
  let tail = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) queue[tail++] = i;
  let head = 0;
  while (head < tail) {
    const i = queue[head++]!;
    const label = labels[i]!;
    const x = i % w;
    if (x > 0 && !labels[i - 1]) (labels[i - 1] = label), (queue[tail++] = i - 1);
    if (x < w - 1 && !labels[i + 1]) (labels[i + 1] = label), (queue[tail++] = i + 1);
    if (i >= w && !labels[i - w]) (labels[i - w] = label), (queue[tail++] = i - w);
    if (i < w * (h - 1) && !labels[i + w]) (labels[i + w] = label), (queue[tail++] = i + w);
  }
}

function regionStats(labels: Int32Array, count: number, w: number, h: number) {
  const area = new Int32Array(count + 1);
  const sx = new Float64Array(count + 1);
  const sy = new Float64Array(count + 1);
  const minX = new Int32Array(count + 1).fill(w);
  const maxX = new Int32Array(count + 1).fill(-1);
  const minY = new Int32Array(count + 1).fill(h);
  const maxY = new Int32Array(count + 1).fill(-1);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      const l = labels[i]!;
      area[l]!++;
      sx[l]! += x;
      sy[l]! += y;
      if (x < minX[l]!) minX[l] = x;
      if (x > maxX[l]!) maxX[l] = x;
      if (y < minY[l]!) minY[l] = y;
      if (y > maxY[l]!) maxY[l] = y;
    }
  }
  const cx = new Float32Array(count + 1);
  const cy = new Float32Array(count + 1);
  for (let l = 1; l <= count; l++) {
    cx[l] = sx[l]! / Math.max(1, area[l]!);
    cy[l] = sy[l]! / Math.max(1, area[l]!);
  }
  return { area, cx, cy, minX, maxX, minY, maxY };
}
