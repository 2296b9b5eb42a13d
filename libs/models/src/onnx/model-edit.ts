import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/**
 * Field-level editing of serialised ONNX models, for rewrites made before ONNX Runtime opens a model (input-shapes.ts,
 * integer-constants.ts): unknown fields and every byte not edited pass through as they are, so a rewrite never depends
 * on the whole of onnx.proto.
 */

/** A model file that is not the ModelProto its name says. */
export class OnnxModelFormatError extends Error {
  override readonly name = 'OnnxModelFormatError';
}

// Field numbers of onnx.proto3 that the rewrites touch.
export const ONNX_FIELDS = {
  modelGraph: 7,
  graphInitializer: 5,
  graphInput: 11,
  tensorDataType: 2,
  tensorName: 8,
  valueInfoName: 1,
  valueInfoType: 2,
  typeTensor: 1,
  tensorTypeElemType: 1,
  tensorTypeShape: 2,
  shapeDim: 1,
  dimValue: 1,
  dimParam: 2,
} as const;

export type FieldVisitor<T> = (field: number, wireType: WireType, reader: BinaryReader) => T;

/** Visits one protobuf message's fields in order; a visitor that does not read its field returns undefined, and the field is skipped. */
export function forEachField(bytes: Uint8Array, visit: FieldVisitor<unknown>): void {
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
export function rewriteMessage(bytes: Uint8Array, edit: FieldVisitor<Uint8Array | undefined>): Uint8Array {
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

/** A length-delimited field: its tag and its payload. */
export function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return new BinaryWriter().tag(field, WireType.LengthDelimited).bytes(payload).finish();
}

/** A message's string `field` ('' when it has none). */
export function stringField(message: Uint8Array, field: number): string {
  let value = '';
  forEachField(message, (f, w, r) => {
    if (f !== field || w !== WireType.LengthDelimited) return undefined;
    return (value = r.string());
  });
  return value;
}

/**
 * Rewrites a model's graph (the GraphProto's bytes, given to `edit`), keeping every other field of the model; a model
 * that does not parse, or has other than one graph, is an OnnxModelFormatError.
 */
export function rewriteGraph(model: Uint8Array, edit: (graph: Uint8Array) => Uint8Array): Uint8Array {
  let graphs = 0;
  let rewritten: Uint8Array;
  try {
    rewritten = rewriteMessage(model, (field, wireType, reader) => {
      if (field !== ONNX_FIELDS.modelGraph || wireType !== WireType.LengthDelimited) return undefined;
      graphs++;
      return lengthDelimited(ONNX_FIELDS.modelGraph, edit(reader.bytes()));
    });
  } catch (e) {
    throw new OnnxModelFormatError(`not an ONNX model: its protobuf does not parse (${(e as Error).message})`, { cause: e });
  }
  if (graphs !== 1) throw new OnnxModelFormatError(`not an ONNX model: it has ${graphs} graphs, expected 1`);
  return rewritten;
}
