import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/**
 * Hand-written ONNX protobuf encoder (no onnx.proto codegen): field numbers follow
 * onnx/onnx.proto3 of ONNX 1.12+. Only what the converter emits is modelled.
 */

/** TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;
export type OnnxDataType = (typeof OnnxDataType)[keyof typeof OnnxDataType];

export type Dim = number | string;

export interface ExternalDataRef {
  readonly location: string;
  readonly offset: number;
  readonly length: number;
}

export interface TensorProtoSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: OnnxDataType;
  /** Inline little-endian bytes (small constants). */
  readonly raw?: Uint8Array;
  /** Bytes in a side file (weights), so models can exceed protobuf's 2 GB limit. */
  readonly external?: ExternalDataRef;
}

export type AttributeValue =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'tensor'; readonly value: TensorProtoSpec };

export interface NodeSpec {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly domain?: string;
}

export interface ValueInfoSpec {
  readonly name: string;
  readonly elemType: OnnxDataType;
  readonly dims: readonly Dim[];
  readonly docString?: string;
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly TensorProtoSpec[];
  readonly inputs: readonly ValueInfoSpec[];
  readonly outputs: readonly ValueInfoSpec[];
}

export interface ModelSpec {
  readonly graph: GraphSpec;
  readonly opsetVersion: number;
  /** Opsets of other domains the nodes use (e.g. ONNX Runtime's 'com.microsoft' contrib ops). */
  readonly domainOpsets?: readonly { readonly domain: string; readonly version: number }[];
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

const LEN = WireType.LengthDelimited;
const VARINT = WireType.Varint;

function stringEntry(w: BinaryWriter, field: number, key: string, value: string): void {
  // StringStringEntryProto { key = 1; value = 2 }
  w.tag(field, LEN).fork().tag(1, LEN).string(key).tag(2, LEN).string(value).join();
}

function writeTensor(w: BinaryWriter, t: TensorProtoSpec): void {
  for (const d of t.dims) w.tag(1, VARINT).int64(d); // dims
  w.tag(2, VARINT).int32(t.dataType); // data_type
  w.tag(8, LEN).string(t.name); // name
  if (t.raw) w.tag(9, LEN).bytes(t.raw); // raw_data
  if (t.external) {
    stringEntry(w, 13, 'location', t.external.location); // external_data
    stringEntry(w, 13, 'offset', String(t.external.offset));
    stringEntry(w, 13, 'length', String(t.external.length));
    w.tag(14, VARINT).int32(1); // data_location = EXTERNAL
  }
}

function writeAttribute(w: BinaryWriter, name: string, a: AttributeValue): void {
  w.tag(1, LEN).string(name);
  switch (a.type) {
    case 'float': w.tag(2, WireType.Bit32).float(a.value).tag(20, VARINT).int32(1); break;
    case 'int': w.tag(3, VARINT).int64(a.value).tag(20, VARINT).int32(2); break;
    case 'string': w.tag(4, LEN).bytes(new TextEncoder().encode(a.value)).tag(20, VARINT).int32(3); break;
    case 'tensor':
      w.tag(5, LEN).fork();
      writeTensor(w, a.value);
      w.join().tag(20, VARINT).int32(4);
      break;
    case 'floats': for (const v of a.value) w.tag(7, WireType.Bit32).float(v); w.tag(20, VARINT).int32(6); break;
    case 'ints': for (const v of a.value) w.tag(8, VARINT).int64(v); w.tag(20, VARINT).int32(7); break;
  }
}

function writeNode(w: BinaryWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.tag(1, LEN).string(i);
  for (const o of n.outputs) w.tag(2, LEN).string(o);
  w.tag(3, LEN).string(n.name);
  w.tag(4, LEN).string(n.opType);
  for (const [name, a] of Object.entries(n.attributes)) {
    w.tag(5, LEN).fork();
    writeAttribute(w, name, a);
    w.join();
  }
  if (n.domain) w.tag(7, LEN).string(n.domain);
}

/** A value's declaration; without `dims` it has no shape at all (any rank), which is not the scalar shape `[]`. */
type ValueInfoDeclaration = Omit<ValueInfoSpec, 'dims'> & { readonly dims?: readonly Dim[] };

function writeValueInfo(w: BinaryWriter, v: ValueInfoDeclaration): void {
  w.tag(1, LEN).string(v.name);
  // TypeProto { tensor_type = 1: { elem_type = 1; shape = 2: { dim = 1: { dim_value = 1 | dim_param = 2 } } } }
  w.tag(2, LEN).fork().tag(1, LEN).fork().tag(1, VARINT).int32(v.elemType);
  if (v.dims) {
    w.tag(2, LEN).fork();
    for (const d of v.dims) {
      w.tag(1, LEN).fork();
      if (typeof d === 'number') w.tag(1, VARINT).int64(d);
      else w.tag(2, LEN).string(d);
      w.join();
    }
    w.join();
  }
  w.join().join();
  if (v.docString) w.tag(3, LEN).string(v.docString);
}

/** Serialises a ValueInfoProto (a graph input's or output's declaration). */
export function encodeValueInfo(v: ValueInfoDeclaration): Uint8Array {
  const w = new BinaryWriter();
  writeValueInfo(w, v);
  return w.finish();
}

function writeGraph(w: BinaryWriter, g: GraphSpec): void {
  const message = <T>(field: number, value: T, write: (w: BinaryWriter, value: T) => void) => {
    w.tag(field, LEN).fork();
    write(w, value);
    w.join();
  };
  for (const n of g.nodes) message(1, n, writeNode);
  w.tag(2, LEN).string(g.name);
  for (const t of g.initializers) message(5, t, writeTensor);
  for (const v of g.inputs) message(11, v, writeValueInfo);
  for (const v of g.outputs) message(12, v, writeValueInfo);
}

/** Serialises a ModelProto. Weights should be external: the result must stay under 2 GB. */
export function encodeModel(m: ModelSpec): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, VARINT).int64(m.irVersion);
  w.tag(2, LEN).string(m.producerName);
  w.tag(3, LEN).string(m.producerVersion);
  if (m.docString) w.tag(6, LEN).string(m.docString);
  w.tag(7, LEN).fork();
  writeGraph(w, m.graph);
  w.join();
  // OperatorSetIdProto { domain = 1; version = 2 }, default domain "".
  w.tag(8, LEN).fork().tag(1, LEN).string('').tag(2, VARINT).int64(m.opsetVersion).join();
  for (const o of m.domainOpsets ?? []) w.tag(8, LEN).fork().tag(1, LEN).string(o.domain).tag(2, VARINT).int64(o.version).join();
  for (const [k, v] of Object.entries(m.metadata ?? {})) stringEntry(w, 14, k, v);
  return w.finish();
}
