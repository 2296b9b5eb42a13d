import { zipSync } from 'fflate';
import { request } from 'node:http';
import { crc32, deflateRawSync } from 'node:zlib';

/** A seeded generator (mulberry32): the same seed gives the same cases, so a failure reproduces. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number): boolean => next() < p,
  };
}
export type Rng = ReturnType<typeof seeded>;

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/**
 * An HTTP request with full control of the path (sent as is, no normalising) and of every header, Host
 * included, which fetch does not allow.
 */
export function raw(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    // An empty Host means none at all (node would otherwise fill in its own).
    const headers = { ...options.headers };
    const setHost = headers.host !== '';
    if (!setHost) delete headers.host;
    const req = request({ host: hostname, port, method: options.method ?? 'GET', path: options.path, headers, setHost }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  /** A size to declare in the directory instead of the real one (a lying entry). */
  declaredSize?: number;
}

/**
 * A zip (fflate), stored or deflated per entry; `declaredSize` then overwrites the sizes its directory and local
 * header declare, so tests can build liars that no zip tool would write.
 */
export function zipOf(entries: readonly ZipEntry[]): Buffer {
  const zip = Buffer.from(zipSync(Object.fromEntries(entries.map((e) => [e.name, [e.data, { level: e.deflate ? 9 : 0 }]]))));
  let local = 0;
  let central = zip.indexOf(CENTRAL_SIGNATURE);
  for (const e of entries) {
    if (e.declaredSize !== undefined) {
      zip.writeUInt32LE(e.declaredSize, local + 22);
      zip.writeUInt32LE(e.declaredSize, central + 24);
    }
    local += 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28) + zip.readUInt32LE(local + 18);
    central += 46 + zip.readUInt16LE(central + 28) + zip.readUInt16LE(central + 30) + zip.readUInt16LE(central + 32);
  }
  return zip;
}

const CENTRAL_SIGNATURE = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

/** A PNG signature and IHDR chunk declaring any size, then a tiny IDAT and IEND: a decompression bomb's header. */
export function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateRawSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Time percentile of a list of numbers (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
