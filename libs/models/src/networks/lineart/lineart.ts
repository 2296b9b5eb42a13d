import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { Tensor } from '../../onnx/graph-core.js';

/** InstanceNorm2d(affine=False) default eps in informative-drawings. */
const IN_EPS = 1e-5;

export interface LineartConfig {
  /** Residual blocks in model2 (3 for sk_model.pth). */
  readonly residualBlocks: number;
}

export function inferLineartConfig(has: (key: string) => boolean): LineartConfig {
  let n = 0;
  while (has(`model2.${n}.conv_block.1.weight`)) n++;
  return { residualBlocks: n };
}

/**
 * informative-drawings Generator(3 -> 1, sigmoid), keys `model0..model4` as in sk_model.pth.
 * Input RGB in [0, 1] (no normalisation); output line darkness in (0, 1), dark lines on white.
 */
export function buildLineart(b: GraphBuilder, config: LineartConfig): void {
  const img = b.input('img', [1, 3, 'height', 'width'], 'float32', 'RGB frame, values in [0, 1]');
  const reflect = (x: Tensor, p: number) => b.pad(x, [0, 0, p, p, 0, 0, p, p], 'reflect');
  const convInRelu = (x: Tensor, module: string, stride: number) =>
    b.relu(b.instanceNorm(b.conv2d(x, module, { stride, pad: 1 }), IN_EPS));

  let h = b.scope('model0', () => b.relu(b.instanceNorm(b.conv2d(reflect(img, 3), '1'), IN_EPS)));
  h = b.scope('model1', () => convInRelu(convInRelu(h, '0', 2), '3', 2));
  h = b.scope('model2', () => {
    let x = h;
    for (let i = 0; i < config.residualBlocks; i++) {
      x = b.scope(`${i}.conv_block`, () => {
        const y = b.relu(b.instanceNorm(b.conv2d(reflect(x, 1), '1'), IN_EPS));
        return b.add(x, b.instanceNorm(b.conv2d(reflect(y, 1), '5'), IN_EPS));
      });
    }
    return x;
  });
  h = b.scope('model3', () => {
    const up = (x: Tensor, module: string) =>
      b.relu(b.instanceNorm(b.convTranspose2d(x, module, { stride: 2, pad: 1, outputPadding: 1 }), IN_EPS));
    return up(up(h, '0'), '3');
  });
  const line = b.scope('model4', () => b.sigmoid(b.conv2d(reflect(h, 3), '1')));
  b.output(line, 'line', [1, 1, 'height', 'width'], 'line darkness in (0, 1); host: floor(255x) to uint8, then 1 - x/255');
}
