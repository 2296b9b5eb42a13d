import { WireType } from '@bufbuild/protobuf/wire';
import { ONNX_FIELDS, forEachField, lengthDelimited, rewriteGraph, rewriteMessage } from './model-edit.js';
import { OnnxDataType, type Dim } from './proto.js';

/** A graph input as the model file declares it: what ONNX Runtime's own input metadata would have said. */
export interface DeclaredInput {
  readonly name: string;
  readonly isTensor: boolean;
  /** ONNX Runtime's name for the element type ('float32', 'int64', ...). */
  readonly type: string;
  readonly shape: readonly Dim[];
}

/** The model with its inputs' shapes removed, and the inputs as they were declared. */
export interface SplitInputShapes {
  readonly model: Uint8Array;
  readonly inputs: readonly DeclaredInput[];
}

const { graphInput, valueInfoName, valueInfoType, typeTensor, tensorTypeElemType, tensorTypeShape, shapeDim, dimValue, dimParam } = ONNX_FIELDS;

const ORT_TYPE_NAMES: Readonly<Record<number, string>> = {
  [OnnxDataType.FLOAT]: 'float32', [OnnxDataType.UINT8]: 'uint8', [OnnxDataType.INT8]: 'int8', [OnnxDataType.INT32]: 'int32',
  [OnnxDataType.INT64]: 'int64', [OnnxDataType.BOOL]: 'bool', [OnnxDataType.FLOAT16]: 'float16',
};

function readShape(bytes: Uint8Array): Dim[] {
  const dims: Dim[] = [];
  forEachField(bytes, (field, wireType, reader) => {
    if (field !== shapeDim || wireType !== WireType.LengthDelimited) return undefined;
    // A dim with neither a value nor a name is unknown: like a named one, it accepts any size.
    let dim: Dim = '?';
    forEachField(reader.bytes(), (f, w, r) => {
      if (f === dimValue && w === WireType.Varint) return (dim = Number(r.int64()));
      if (f === dimParam && w === WireType.LengthDelimited) return (dim = r.string());
      return undefined;
    });
    return dims.push(dim);
  });
  return dims;
}

/** One graph input: reads its declaration and returns it with the tensor type's shape field dropped. */
function splitInput(valueInfo: Uint8Array): { bytes: Uint8Array; input: DeclaredInput } {
  let name = '';
  let isTensor = false;
  let type = 'unknown';
  let shape: Dim[] = [];
  const bytes = rewriteMessage(valueInfo, (field, wireType, reader) => {
    if (field === valueInfoName && wireType === WireType.LengthDelimited) {
      name = reader.string();
      return undefined;
    }
    if (field !== valueInfoType || wireType !== WireType.LengthDelimited) return undefined;
    const typeProto = rewriteMessage(reader.bytes(), (f, w, r) => {
      if (f !== typeTensor || w !== WireType.LengthDelimited) return undefined;
      isTensor = true;
      const tensorType = rewriteMessage(r.bytes(), (tf, tw, tr) => {
        if (tf === tensorTypeElemType && tw === WireType.Varint) {
          const elemType = tr.int32();
          type = ORT_TYPE_NAMES[elemType] ?? `onnx type ${elemType}`;
          return undefined;
        }
        if (tf !== tensorTypeShape || tw !== WireType.LengthDelimited) return undefined;
        shape = readShape(tr.bytes());
        return new Uint8Array();
      });
      return lengthDelimited(typeTensor, tensorType);
    });
    return lengthDelimited(valueInfoType, typeProto);
  });
  return { bytes, input: { name, isTensor, type, shape } };
}

/**
 * Moves the graph inputs' shapes out of an ONNX model: returns the model with every input declared by element type
 * only, and the inputs as they were declared (for checking feeds).
 *
 * Why: ONNX Runtime's allocation planner compares every value whose rank it knows with every buffer freed before it
 * (a name and a type lookup each), and reuses a buffer only for a value of the same known shape. Its shape inference
 * keeps the ranks from the inputs but loses the dims at the first Conv, so with declared inputs nearly every value has
 * a rank and none a shape: nothing is reused and the search is quadratic in the nodes (5.6 of the tiny denoiser's
 * 6.6 s to open). With the inputs undeclared, values have no shape at all, the search is skipped, the same buffers are
 * allocated at run time (memory and outputs are unchanged) and the denoiser opens about 4x faster. See
 * docs/performance.md, "Opening and per-step work".
 */
export function splitInputShapes(model: Uint8Array): SplitInputShapes {
  const inputs: DeclaredInput[] = [];
  const stripped = rewriteGraph(model, (graph) => rewriteMessage(graph, (field, wireType, reader) => {
    if (field !== graphInput || wireType !== WireType.LengthDelimited) return undefined;
    const { bytes, input } = splitInput(reader.bytes());
    inputs.push(input);
    return lengthDelimited(graphInput, bytes);
  }));
  return { model: stripped, inputs };
}
