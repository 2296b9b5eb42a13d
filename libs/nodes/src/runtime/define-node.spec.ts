import { describe, expectTypeOf, it } from 'vitest';
import type { FramesValue, ImageValue, ModelBundleValue } from './values.js';
import { defineNode, type InputsOf, type OutputsOf, type ParamsOf } from './define-node.js';

describe('defineNode', () => {
  it('types params and inputs from their schemas, so execute functions need no casts', () => {
    const params = [
      { name: 'steps', schema: { kind: 'integer', default: 25, min: 1, max: 100 } },
      { name: 'mode', schema: { kind: 'enum', default: 'crop', options: ['crop', 'pad'] } },
      { name: 'pad', schema: { kind: 'boolean', default: true } },
      { name: 'name', schema: { kind: 'string', default: 'x', maxLength: 10 } },
      { name: 'clip', schema: { kind: 'asset', accept: ['zip'] } },
      { name: 'extra', schema: { kind: 'asset', accept: ['image'], optional: true } },
    ] as const;
    const inputs = [
      { name: 'frames', type: 'SKETCHES' },
      { name: 'reference', type: 'IMAGE', optional: true },
      { name: 'models', type: 'LVCD_MODELS' },
    ] as const;
    expectTypeOf<ParamsOf<typeof params>>().toEqualTypeOf<{
      readonly steps: number;
      readonly mode: 'crop' | 'pad';
      readonly pad: boolean;
      readonly name: string;
      readonly clip: string;
      readonly extra: string | null;
    }>();
    // An output of another kind than declared does not type-check.
    expectTypeOf<{ image: FramesValue }>().not.toExtend<OutputsOf<readonly [{ name: 'image'; type: 'IMAGE' }]>>();
    expectTypeOf<{ image: ImageValue }>().toExtend<OutputsOf<readonly [{ name: 'image'; type: 'IMAGE' }]>>();
    expectTypeOf<InputsOf<typeof inputs>>().toEqualTypeOf<{ readonly frames: FramesValue; readonly reference: ImageValue | undefined; readonly models: ModelBundleValue }>();
    defineNode({
      type: 'test/typed', title: 'Typed', category: 'test', description: '', version: 1, inputs, outputs: [{ name: 'image', type: 'IMAGE' }], params,
      async execute(ctx) {
        expectTypeOf(ctx.params.steps).toEqualTypeOf<number>();
        expectTypeOf(ctx.inputs.frames).toEqualTypeOf<FramesValue>();
        return { image: { kind: 'image' as const, file: 'a.png', width: 1, height: 1 } };
      },
    });
  });
});
