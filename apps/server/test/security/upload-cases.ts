import { png } from '../support/fixtures.js';
import { pngDeclaring, zipOf, type Rng } from './helpers.js';

export interface UploadCase {
  label: string;
  bytes: Buffer;
  name: string;
  mime: string;
  /** What the upload must answer: refused with one of these, or stored (201). */
  expect: 'refused' | 'stored' | 'either';
  /** A message the refusal must contain. */
  says?: RegExp;
}

const GIF = (w: number, h: number) => Buffer.concat([Buffer.from('GIF89a', 'latin1'), u16le(w), u16le(h), Buffer.alloc(40)]);
const WEBP_VP8X = (w: number, h: number) => {
  const b = Buffer.alloc(40);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(32, 4);
  b.write('WEBPVP8X', 8, 'latin1');
  b.writeUInt32LE(10, 16);
  b.writeUIntLE(w - 1, 24, 3);
  b.writeUIntLE(h - 1, 27, 3);
  return b;
};
const JPEG = (w: number, h: number) => {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, h >> 8, h & 0xff, w >> 8, w & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'), sof, Buffer.alloc(32)]);
};

function u16le(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v, 0);
  return b;
}

/**
 * Hostile and broken uploads, seeded. `maxSide`, `maxFrames` and `uploadLimit` are the server's limits, so
 * the oversized cases sit just past them.
 */
export async function uploadCases(r: Rng, limits: { maxSide: number; maxFrames: number; uploadLimit: number }): Promise<UploadCase[]> {
  const good = await png(8, 8, 50);
  const cases: UploadCase[] = [];
  const add = (c: UploadCase) => cases.push(c);

  for (let i = 0; i < 12; i++) {
    add({ label: `random bytes ${i}`, bytes: Buffer.from(Array.from({ length: r.int(0, 3000) }, () => r.int(0, 255))), name: r.pick(['x.png', 'x.zip', 'x.mp4', 'x', '../../x.png']), mime: r.pick(['image/png', 'application/zip', 'application/octet-stream']), expect: 'refused', says: /is not a PNG, JPEG, WebP, GIF, zip/ });
  }
  for (const [label, text] of [
    ['html', '<!doctype html><script>alert(1)</script>'],
    ['svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ['json', '{"format":"lvcd-studio/workflow"}'],
    ['elf', '\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0'],
    ['pdf', '%PDF-1.7\n%âãÏÓ\n1 0 obj'],
    ['shell', '#!/bin/sh\nrm -rf /\n'],
  ] as const) {
    add({ label: `wrong type: ${label}`, bytes: Buffer.from(text, 'latin1'), name: 'picture.png', mime: 'image/png', expect: 'refused', says: /is not a PNG, JPEG, WebP, GIF, zip/ });
  }
  for (let i = 0; i < 10; i++) {
    const cut = r.int(1, good.length - 1);
    // Cut before the image data starts (sharp reads the size from every chunk up to IDAT's header): refused at once;
    // cut later: stored, and the run that loads it fails on its node.
    const dataStarts = good.indexOf('IDAT', 8, 'latin1') + 4;
    add({ label: `truncated png at ${cut}`, bytes: good.subarray(0, cut), name: `cut-${i}.png`, mime: 'image/png', expect: cut < dataStarts ? 'refused' : 'stored' });
  }
  for (let i = 0; i < 8; i++) {
    const bytes = Buffer.from(good);
    for (let k = 0; k < r.int(1, 8); k++) bytes[r.int(33, bytes.length - 1)] = r.int(0, 255);
    // A damaged chunk before the image data leaves sharp no header to read (refused); later damage is stored.
    add({ label: `corrupt png body ${i}`, bytes, name: `corrupt-${i}.png`, mime: 'image/png', expect: 'either' });
  }
  for (const [w, h] of [[20_000, 20_000], [limits.maxSide + 1, 1], [1, limits.maxSide + 1], [65_535, 65_535]] as const) {
    add({ label: `png bomb ${w}x${h}`, bytes: pngDeclaring(w, h), name: 'bomb.png', mime: 'image/png', expect: 'refused', says: new RegExp(`is ${w}x${h}, over the limit of ${limits.maxSide} pixels a side`) });
  }
  // Headers sharp will not read (sizes past PNG's 2^31 - 1 limit of libspng, 0x0, bare GIF/WebP/JPEG headers without the
  // rest of the file) are refused as unreadable: their size is never trusted.
  const unreadable = /has no readable image header/;
  add({ label: 'png bomb 2^31-1 a side', bytes: pngDeclaring(2 ** 31 - 1, 2 ** 31 - 1), name: 'bomb.png', mime: 'image/png', expect: 'refused', says: unreadable });
  add({ label: 'png 0x0', bytes: pngDeclaring(0, 0), name: 'zero.png', mime: 'image/png', expect: 'refused', says: unreadable });
  add({ label: 'gif bomb', bytes: GIF(60_000, 60_000), name: 'bomb.gif', mime: 'image/gif', expect: 'refused', says: unreadable });
  add({ label: 'webp bomb', bytes: WEBP_VP8X(16_000, 16_000), name: 'bomb.webp', mime: 'image/webp', expect: 'refused', says: unreadable });
  add({ label: 'jpeg bomb', bytes: JPEG(30_000, 30_000), name: 'bomb.jpg', mime: 'image/jpeg', expect: 'refused', says: unreadable });
  add({ label: 'jpeg header only', bytes: JPEG(16, 16), name: 'broken.jpg', mime: 'image/jpeg', expect: 'refused', says: unreadable });
  add({ label: 'oversized upload', bytes: Buffer.concat([good, Buffer.alloc(limits.uploadLimit + 1024)]), name: 'big.png', mime: 'image/png', expect: 'refused', says: /the file is too large: over the upload limit of 1 MB \(LVCD_UPLOAD_LIMIT_MB sets it\)/ });

  // Zips.
  const frame = await png(8, 8, 60);
  add({ label: 'zip bomb (64 MiB of zeros in 64 KiB)', bytes: zipOf([{ name: 'frame_0001.png', data: new Uint8Array(64 * 1024 * 1024), deflate: true }]), name: 'bomb.zip', mime: 'application/zip', expect: 'refused', says: /inflates \d+ times \(a zip bomb\?\)/ });
  add({ label: 'zip declaring 4 GiB', bytes: zipOf([{ name: 'a.png', data: frame, declaredSize: 0xffffffff }]), name: 'liar.zip', mime: 'application/zip', expect: 'refused', says: /inflates to 4294967295 bytes, over the limit/ });
  add({ label: 'zip with too many frames', bytes: zipOf(Array.from({ length: limits.maxFrames + 5 }, (_, i) => ({ name: `f_${i}.png`, data: frame }))), name: 'long.zip', mime: 'application/zip', expect: 'refused', says: new RegExp(`holds ${limits.maxFrames + 5} frames, over the limit of ${limits.maxFrames}`) });
  add({ label: 'zip whose first frame is a png bomb', bytes: zipOf([{ name: 'f_1.png', data: pngDeclaring(20_000, 20_000) }, { name: 'f_2.png', data: frame }]), name: 'bomb-frame.zip', mime: 'application/zip', expect: 'refused', says: /f_1\.png" is 20000x20000, over the limit/ });
  add({ label: 'zip whose later frame is a png bomb', bytes: zipOf([{ name: 'f_1.png', data: frame }, { name: 'f_2.png', data: pngDeclaring(20_000, 20_000) }]), name: 'late-bomb.zip', mime: 'application/zip', expect: 'stored' });
  add({ label: 'zip without frames', bytes: zipOf([{ name: 'readme.txt', data: Buffer.from('hi') }]), name: 'empty.zip', mime: 'application/zip', expect: 'refused', says: /holds no PNG, JPEG or WebP frames/ });
  add({ label: 'zip with traversal names', bytes: zipOf([{ name: '../../../../tmp/evil.png', data: frame }, { name: '/etc/x.png', data: frame }]), name: 'slip.zip', mime: 'application/zip', expect: 'stored' });
  add({ label: 'zip with a corrupt frame', bytes: zipOf([{ name: 'f_1.png', data: frame }, { name: 'f_2.png', data: frame.subarray(0, 40) }]), name: 'bad-frame.zip', mime: 'application/zip', expect: 'stored' });
  const okZip = zipOf([{ name: 'f_1.png', data: frame }, { name: 'f_2.png', data: frame }]);
  for (let i = 0; i < 6; i++) {
    const cut = r.int(4, okZip.length - 1);
    add({ label: `truncated zip at ${cut}`, bytes: okZip.subarray(0, Math.max(12, cut)), name: `cut-${i}.zip`, mime: 'application/zip', expect: 'either' });
  }
  for (let i = 0; i < 4; i++) {
    const bytes = Buffer.from(okZip);
    for (let k = 0; k < 6; k++) bytes[r.int(30, bytes.length - 23)] = r.int(0, 255);
    add({ label: `corrupt zip ${i}`, bytes, name: `corrupt-${i}.zip`, mime: 'application/zip', expect: 'either' });
  }
  // Videos: a container header with nothing playable behind it.
  add({ label: 'fake mp4', bytes: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1'), Buffer.alloc(200, 7)]), name: 'fake.mp4', mime: 'video/mp4', expect: 'either' });
  add({ label: 'fake webm', bytes: Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(200, 3)]), name: 'fake.webm', mime: 'video/webm', expect: 'either' });
  return cases;
}
