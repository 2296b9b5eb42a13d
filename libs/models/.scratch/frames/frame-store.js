import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRgb, encodePng } from './rgb-image.js';
const MANIFEST = 'frames.json';
export function framePath(dir, index) {
    return join(dir, `${String(index).padStart(6, '0')}.png`);
}
export class FrameStoreError extends Error {
    name = 'FrameStoreError';
}
/** Appends frames one at a time; `finish` writes the manifest that makes the store readable. */
export class FrameStoreWriter {
    dir;
    fps;
    count = 0;
    size;
    constructor(dir, fps) {
        this.dir = dir;
        this.fps = fps;
    }
    static async create(dir, fps) {
        await mkdir(dir, { recursive: true });
        return new FrameStoreWriter(dir, fps);
    }
    get length() {
        return this.count;
    }
    /** Writes the next frame; every frame of a store has the size of the first. Returns the PNG bytes written. */
    async append(image) {
        if (!this.size)
            this.size = { width: image.width, height: image.height };
        if (image.width !== this.size.width || image.height !== this.size.height) {
            throw new FrameStoreError(`frame ${this.count} is ${image.width}x${image.height} but the sequence is ${this.size.width}x${this.size.height}; resize the frames to one size first`);
        }
        const png = await encodePng(image);
        await writeFile(framePath(this.dir, this.count), png);
        this.count++;
        return png;
    }
    async finish() {
        if (!this.size)
            throw new FrameStoreError('a frame sequence needs at least one frame');
        const info = { dir: this.dir, count: this.count, ...this.size, fps: this.fps };
        const { dir: _dir, ...manifest } = info;
        await writeFile(join(this.dir, MANIFEST), JSON.stringify(manifest));
        return info;
    }
}
export async function openFrameStore(dir) {
    let manifest;
    try {
        manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8'));
    }
    catch (e) {
        throw new FrameStoreError(`no readable frame sequence in ${dir}: ${e.message}`);
    }
    const m = manifest;
    if (![m.count, m.width, m.height, m.fps].every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
        throw new FrameStoreError(`frame sequence manifest in ${dir} is damaged`);
    }
    return { dir, count: m.count, width: m.width, height: m.height, fps: m.fps };
}
export async function readFrame(store, index) {
    if (!Number.isInteger(index) || index < 0 || index >= store.count) {
        throw new FrameStoreError(`frame ${index} is outside the sequence of ${store.count} frames`);
    }
    return decodeRgb(framePath(store.dir, index));
}
/** Reads frames in order, one in memory at a time. */
export async function* readFrames(store, start = 0, end = store.count, stride = 1) {
    for (let i = start; i < end; i += stride)
        yield { index: i, image: await readFrame(store, i) };
}
