import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
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

/** A model file that is not the ModelProto its name says. */
export class OnnxModelFormatError extends Error {
  override readonly name = 'OnnxModelFormatError';
}

// Field numbers of onnx.proto3.
const MODEL_GRAPH = 7;
const GRAPH_INPUT = 11;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_ELEM_TYPE = 1;
const TENSOR_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_VALUE = 1;
const DIM_PARAM = 2;

const ORT_TYPE_NAMES: Readonly<Record<number, string>> = {
  [OnnxDataType.FLOAT]: 'float32', [OnnxDataType.UINT8]: 'uint8', [OnnxDataType.INT8]: 'int8', [OnnxDataType.INT32]: 'int32',
  [OnnxDataType.INT64]: 'int64', [OnnxDataType.BOOL]: 'bool', [OnnxDataType.FLOAT16]: 'float16',
};

type FieldVisitor<T> = (field: number, wireType: WireType, reader: BinaryReader) => T;

/** Visits one protobuf message's fields in order; a visitor that does not read its field returns undefined, and the field is skipped. */
function forEachField(bytes: Uint8Array, visit: FieldVisitor<unknown>): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    const valueStart = reader.pos;
    if (visit(field, wireType, reader) === undefined) {
      reader.pos = valueStart;
      reader.skip(wireType, field);
    }
  }
}

/**
 * Rewrites one protobuf message field by field: `edit` returns a field's new bytes (tag included, empty to drop it),
 * or undefined to keep its original bytes.
 */
function rewriteMessage(bytes: Uint8Array, edit: FieldVisitor<Uint8Array | undefined>): Uint8Array {
  const reader = new BinaryReader(bytes);
  const parts: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const [field, wireType] = reader.tag();
    const valueStart = reader.pos;
    const replaced = edit(field, wireType, reader);
    if (replaced !== undefined) parts.push(replaced);
    else {
      reader.pos = valueStart;
      reader.skip(wireType, field);
      parts.push(bytes.subarray(start, reader.pos));
    }
  }
  return Buffer.concat(parts);
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return new BinaryWriter().tag(field, WireType.LengthDelimited).bytes(payload).finish();
}

function readShape(bytes: Uint8Array): Dim[] {
  const dims: Dim[] = [];
  forEachField(bytes, (field, wireType, reader) => {
    if (field !== SHAPE_DIM || wireType !== WireType.LengthDelimited) return undefined;
    // A dim with neither a value nor a name is unknown: like a named one, it accepts any size.
    let dim: Dim = '?';
    forEachField(reader.bytes(), (f, w, r) => {
      if (f === DIM_VALUE && w === WireType.Varint) return (dim = Number(r.int64()));
      if (f === DIM_PARAM && w === WireType.LengthDelimited) return (dim = r.string());
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
    if (field === VALUE_INFO_NAME && wireType === WireType.LengthDelimited) {
      name = reader.string();
      return undefined;
    }
    if (field !== VALUE_INFO_TYPE || wireType !== WireType.LengthDelimited) return undefined;
    const typeProto = rewriteMessage(reader.bytes(), (f, w, r) => {
      if (f !== TYPE_TENSOR || w !== WireType.LengthDelimited) return undefined;
      isTensor = true;
      const tensorType = rewriteMessage(r.bytes(), (tf, tw, tr) => {
        if (tf === TENSOR_ELEM_TYPE && tw === WireType.Varint) {
          const elemType = tr.int32();
          type = ORT_TYPE_NAMES[elemType] ?? `onnx type ${elemType}`;
          return undefined;
        }
        if (tf !== TENSOR_SHAPE || tw !== WireType.LengthDelimited) return undefined;
        shape = readShape(tr.bytes());
        return new Uint8Array();
      });
      return lengthDelimited(TYPE_TENSOR, tensorType);
    });
    return lengthDelimited(VALUE_INFO_TYPE, typeProto);
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
  let graphs = 0;
  let stripped: Uint8Array;
  try {
    stripped = rewriteMessage(model, (field, wireType, reader) => {
      if (field !== MODEL_GRAPH || wireType !== WireType.LengthDelimited) return undefined;
      graphs++;
      const graph = rewriteMessage(reader.bytes(), (f, w, r) => {
        if (f !== GRAPH_INPUT || w !== WireType.LengthDelimited) return undefined;
        const { bytes, input } = splitInput(r.bytes());
        inputs.push(input);
        return lengthDelimited(GRAPH_INPUT, bytes);
      });
      return lengthDelimited(MODEL_GRAPH, graph);
    });
  } catch (e) {
    throw new OnnxModelFormatError(`not an ONNX model: its protobuf does not parse (${(e as Error).message})`, { cause: e });
  }
  if (graphs !== 1) throw new OnnxModelFormatError(`not an ONNX model: it has ${graphs} graphs, expected 1`);
  return { model: stripped, inputs };
}
