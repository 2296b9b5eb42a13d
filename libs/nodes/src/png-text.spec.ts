import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { embedWorkflowInPng, encodePng } from '@lvcd/media';
import { isPng, PNG_WORKFLOW_KEY, readPngText } from './png-text.js';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set([...type].map((c) => c.charCodeAt(0)), 4);
  out.set(data, 8);
  return out; // the CRC is left zero: the reader does not need it
}

function png(...chunks: Uint8Array[]): Uint8Array {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  const parts = [new Uint8Array(sig), chunk('IHDR', new Uint8Array(13)), ...chunks, chunk('IDAT', deflateSync(new Uint8Array(4))), chunk('IEND', new Uint8Array())];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const text = (key: string, value: string) => new Uint8Array([...new TextEncoder().encode(key), 0, ...new TextEncoder().encode(value)]);

describe('readPngText', () => {
  it('reads back the workflow the media library writes into a saved PNG, non-ASCII included', async () => {
    const doc = { format: 'lvcd-studio/workflow', version: 1, nodes: [], links: [], meta: { name: 'café 線画' } };
    const png = embedWorkflowInPng(await encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(200) }), doc);
    expect(JSON.parse(readPngText(png).get(PNG_WORKFLOW_KEY)!)).toEqual(doc);
  });

  it('finds the workflow in a tEXt chunk, decoding UTF-8', () => {
    const json = JSON.stringify({ format: 'lvcd-studio/workflow', meta: { name: 'Café ☕' } });
    const map = readPngText(png(chunk('tEXt', text('Software', 'x')), chunk('tEXt', text('lvcd-workflow', json))));
    expect(map.get('lvcd-workflow')).toBe(json);
    expect(map.get('Software')).toBe('x');
  });

  it('reads uncompressed iTXt', () => {
    const data = new Uint8Array([...new TextEncoder().encode('lvcd-workflow'), 0, 0, 0, 0, 0, ...new TextEncoder().encode('{"a":1}')]);
    expect(readPngText(png(chunk('iTXt', data))).get('lvcd-workflow')).toBe('{"a":1}');
  });

  it('refuses a truncated file and a non-PNG', () => {
    const whole = png(chunk('tEXt', text('lvcd-workflow', '{}')));
    expect(() => readPngText(whole.subarray(0, 40))).toThrow(/truncated/);
    expect(isPng(new TextEncoder().encode('{"format":1}'))).toBe(false);
    expect(() => readPngText(new Uint8Array([1, 2, 3]))).toThrow(/not a PNG/);
  });

  it('answers an empty map for a PNG without text', () => {
    expect(readPngText(png()).size).toBe(0);
  });
});
