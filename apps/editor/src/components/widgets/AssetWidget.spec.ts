import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Studio } from '../../stores/studio';
import { testStudio, withStudio } from '../../../test/support/studio';
import AssetWidget from './AssetWidget.vue';

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);
const ID_NEW = 'c'.repeat(64);

function answer(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

let calls: { url: string; method: string; body: unknown }[];
let studio: Studio;

beforeEach(async () => {
  calls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, method: init?.method ?? 'GET', body: init?.body });
      if (init?.method === 'POST') {
        const file = (init.body as FormData).get('file') as File;
        const kind = file.type.startsWith('image/') ? 'image' : 'zip';
        return answer({ id: ID_NEW, name: file.name, mime: file.type, kind, size: file.size }, 201);
      }
      return answer([
        { id: ID_A, name: 'ref.png', mime: 'image/png', kind: 'image', size: 10 },
        { id: ID_B, name: 'clip.zip', mime: 'application/zip', kind: 'zip', size: 10 },
      ]);
    }),
  );
  // The list is shared by every picker of a studio; each test has its own.
  studio = testStudio();
  await studio.assets.refresh();
  calls = [];
});

afterEach(() => vi.unstubAllGlobals());

describe('AssetWidget', () => {
  it('lists only assets of the accepted kinds', async () => {
    const w = mount(AssetWidget, { props: { label: 'Image', accept: ['image'], optional: false, modelValue: null }, global: withStudio(studio) });
    await flushPromises();
    expect(w.findAll('option').map((o) => o.text())).toEqual(['(choose a file)', 'ref.png']);
  });

  it('emits the picked asset id and shows its thumbnail', async () => {
    const w = mount(AssetWidget, { props: { label: 'Image', accept: ['image'], optional: false, modelValue: null }, global: withStudio(studio) });
    await flushPromises();
    await w.get('select').setValue(ID_A);
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual([ID_A]);
    await w.setProps({ modelValue: ID_A });
    expect(w.get('[data-testid=asset-thumb]').attributes('src')).toBe(`/api/assets/${ID_A}`);
  });

  it('uploads a dropped file and selects it', async () => {
    const w = mount(AssetWidget, { props: { label: 'Image', accept: ['image'], optional: false, modelValue: null }, global: withStudio(studio) });
    await flushPromises();
    const file = new File([new Uint8Array([137, 80, 78, 71])], 'new.png', { type: 'image/png' });
    await w.trigger('drop', { dataTransfer: { files: [file] } });
    await flushPromises();
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url).toBe('/api/assets');
    expect(((post!.body as FormData).get('file') as File).name).toBe('new.png');
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual([ID_NEW]);
  });

  it('says so when the uploaded file is of a kind the param does not take', async () => {
    const w = mount(AssetWidget, { props: { label: 'Image', accept: ['image'], optional: false, modelValue: null }, global: withStudio(studio) });
    await flushPromises();
    await w.trigger('drop', { dataTransfer: { files: [new File(['PK'], 'frames.zip', { type: 'application/zip' })] } });
    await flushPromises();
    expect(w.emitted('update:modelValue')).toBeUndefined();
    expect(w.get('.w-error').text()).toContain('takes image');
  });
});
