import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameSpool } from '../src/worker/frame-spool.js';
import { removeDir, tempDir } from './support/server.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

const RUN = '0b0e8a3c-6d5e-4f8a-9c39-1d0f6b9f1c2a';

describe('frame spool', () => {
  it('keeps small frames inline, spools large ones to a file that is read once and removed', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const spool = new FrameSpool(join(dir, 'spool'), 16);
    const pack = spool.packer(RUN);
    const small = new Uint8Array([1, 2, 3]);
    expect(pack(small)).toEqual({ data: small });
    const large = new Uint8Array(100).map((_, i) => i);
    const packed = pack(large);
    expect(packed).toEqual({ spooled: `${RUN}/0.frame` });
    expect(existsSync(join(dir, 'spool', RUN, '0.frame'))).toBe(true);
    expect([...(await spool.take((packed as { spooled: string }).spooled))]).toEqual([...large]);
    expect(existsSync(join(dir, 'spool', RUN, '0.frame'))).toBe(false);
    expect(pack(large)).toEqual({ spooled: `${RUN}/1.frame` });
    await spool.clear(RUN);
    expect(existsSync(join(dir, 'spool', RUN))).toBe(false);
  });

  it('refuses a name no packer made, so a message cannot point the server at another file', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const spool = new FrameSpool(dir);
    await expect(spool.take('../lvcd.sqlite')).rejects.toThrow(/not a spooled frame name/);
    await expect(spool.take(`${RUN}/../../x.frame`)).rejects.toThrow(/not a spooled frame name/);
  });
});
