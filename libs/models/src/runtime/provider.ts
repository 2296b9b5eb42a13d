import { ort } from './ort.js';
import { IR_VERSION, OPSET_VERSION } from '../onnx/model-writer.js';
import { OnnxDataType, encodeModel } from '../onnx/proto.js';
import type { ProviderChoice } from './session.js';

/** The smallest model there is: y = Identity(x). Opening it on a provider proves the provider loads. */
export function probeModel(): Uint8Array {
  const io = (name: string) => ({ name, elemType: OnnxDataType.FLOAT, dims: [1] });
  return encodeModel({
    graph: { name: 'probe', nodes: [{ opType: 'Identity', name: 'id', inputs: ['x'], outputs: ['y'], attributes: {} }], initializers: [], inputs: [io('x')], outputs: [io('y')] },
    opsetVersion: OPSET_VERSION,
    irVersion: IR_VERSION,
    producerName: 'lvcd-studio',
    producerVersion: '1',
  });
}

let detected: Promise<'cuda' | 'cpu'> | undefined;

/**
 * Which execution provider models will run on for a choice: 'cpu' as asked, or for 'auto'/'cuda' whether
 * ONNX Runtime's CUDA provider actually loads here (its library present, a GPU and CUDA runtime usable).
 * Probed once per process.
 */
export async function detectProvider(choice: ProviderChoice = 'auto'): Promise<'cuda' | 'cpu'> {
  if (choice === 'cpu') return 'cpu';
  detected ??= (async () => {
    try {
      const session = await ort.InferenceSession.create(probeModel(), { executionProviders: ['cuda'], logSeverityLevel: 4 });
      await session.release();
      return 'cuda' as const;
    } catch {
      return 'cpu' as const;
    }
  })();
  return detected;
}
