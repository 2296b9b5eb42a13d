import { CheckpointFormatError } from './errors.js';
import { DTYPE_BYTES, bytesToFloat32, elementCount, type DType } from './dtype.js';
import { OpaqueObject, PickleError, unpickle, type SafeCallable } from './pickle.js';
import { ZipArchive, type ZipEntry } from '@lvcd/media';

/** torch.*Storage class names and the element type their bytes hold. */
const STORAGE_DTYPES: Readonly<Record<string, DType>> = {
  FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16', DoubleStorage: 'F64',
  LongStorage: 'I64', IntStorage: 'I32', ShortStorage: 'I16', CharStorage: 'I8',
  ByteStorage: 'U8', BoolStorage: 'BOOL',
};

class StorageType {
  constructor(readonly dtype: DType) {}
}

/** A storage blob: `archive/data/<key>` in the zip, `numel` elements of `dtype`. */
interface StorageRef {
  readonly key: string;
  readonly dtype: DType;
  readonly numel: number;
}

/** A tensor as the pickle describes it: a strided view into a storage. */
export interface TorchTensorRef {
  readonly storage: StorageRef;
  readonly storageOffset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

function isTensorRef(value: unknown): value is TorchTensorRef {
  return typeof value === 'object' && value !== null && 'storage' in value && 'stride' in value;
}

const safe = (fn: (args: readonly unknown[]) => unknown): SafeCallable => ({ safeCall: fn });
const asIntArray = (value: unknown, what: string): number[] => {
  if (!Array.isArray(value) || !value.every((v) => Number.isSafeInteger(v) && v >= 0)) {
    throw new PickleError(`tensor ${what} is not a list of non-negative integers`);
  }
  return value as number[];
};

/** The only Python globals a PyTorch checkpoint may use to rebuild its data. */
function resolveTorchGlobal(module: string, name: string): unknown {
  if (module === 'collections' && name === 'OrderedDict') return safe(() => new Map());
  if (module === 'torch' && STORAGE_DTYPES[name]) return new StorageType(STORAGE_DTYPES[name]);
  if (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor')) {
    return safe(([storage, offset, size, stride]) => {
      if (!(typeof storage === 'object' && storage !== null && 'numel' in storage)) {
        throw new PickleError('tensor rebuilt from something that is not a storage');
      }
      if (!Number.isSafeInteger(offset)) throw new PickleError('tensor storage offset is not an integer');
      return {
        storage: storage as StorageRef,
        storageOffset: offset as number,
        shape: asIntArray(size, 'size'),
        stride: asIntArray(stride, 'stride'),
      } satisfies TorchTensorRef;
    });
  }
  if (module === 'torch._utils' && (name === '_rebuild_parameter' || name === '_rebuild_parameter_with_state')) {
    return safe(([data]) => data);
  }
  if (module === 'torch' && name === 'Size') return safe(([dims]) => dims);
  if (module === '_codecs' && name === 'encode') {
    // How protocol-2 pickles spell bytes: _codecs.encode(text, 'latin1'). Pure data.
    return safe(([text]) => Uint8Array.from(String(text), (c) => c.charCodeAt(0) & 0xff));
  }
  return undefined;
}

/**
 * A PyTorch zip checkpoint (`torch.save`, used by .ckpt and .pth). The pickle is parsed with the
 * restricted unpickler; tensors stay references into `archive/data/N` and are read by offset.
 */
export class TorchCheckpoint {
  private constructor(
    readonly path: string,
    private readonly zip: ZipArchive,
    private readonly dataPrefix: string,
    readonly root: unknown,
    readonly tensors: ReadonlyMap<string, TorchTensorRef>,
  ) {}

  static async open(path: string): Promise<TorchCheckpoint> {
    let opened = false;
    const zip = await ZipArchive.open(path, {
      // Before the directory is read, a zip failure means the file is no torch.save zip at all.
      error: (e) => new CheckpointFormatError(path, opened ? e.reason : `not a PyTorch zip checkpoint (${e.reason}); legacy non-zip torch files are not supported`),
    });
    opened = true;
    try {
      const pickleName = [...zip.entries.keys()].find((n) => n.endsWith('/data.pkl') && n.split('/').length === 2);
      if (!pickleName) throw new CheckpointFormatError(path, 'zip has no <archive>/data.pkl: not a torch.save file');
      const prefix = pickleName.slice(0, -'data.pkl'.length);
      const byteorder = zip.entries.has(`${prefix}byteorder`)
        ? new TextDecoder().decode(await zip.readEntry(`${prefix}byteorder`))
        : 'little';
      if (byteorder !== 'little') throw new CheckpointFormatError(path, `byte order "${byteorder}" is not supported`);
      let root: unknown;
      try {
        root = unpickle(await zip.readEntry(pickleName), {
          resolveGlobal: resolveTorchGlobal,
          persistentLoad: (pid) => persistentStorage(pid),
        });
      } catch (error) {
        if (error instanceof PickleError) throw new CheckpointFormatError(path, error.message);
        throw error;
      }
      const tensors = collectStateDict(path, root);
      const checkpoint = new TorchCheckpoint(path, zip, prefix, root, tensors);
      for (const [key, ref] of tensors) checkpoint.validate(key, ref);
      return checkpoint;
    } catch (error) {
      await zip.close();
      throw error;
    }
  }

  private storageEntry(ref: TorchTensorRef): ZipEntry {
    return this.zip.entry(`${this.dataPrefix}data/${ref.storage.key}`);
  }

  private validate(key: string, ref: TorchTensorRef): void {
    const fail = (reason: string): never => {
      throw new CheckpointFormatError(this.path, `tensor "${key}": ${reason}`);
    };
    if (ref.shape.length !== ref.stride.length) fail('size and stride disagree in rank');
    const entry = this.zip.entries.get(`${this.dataPrefix}data/${ref.storage.key}`);
    if (!entry) fail(`its storage data/${ref.storage.key} is missing from the archive`);
    const itemBytes = DTYPE_BYTES[ref.storage.dtype];
    if (entry!.size < ref.storage.numel * itemBytes) fail(`storage data/${ref.storage.key} is shorter than its ${ref.storage.numel} elements`);
    if (elementCount(ref.shape) > 0) {
      const last = ref.storageOffset + ref.shape.reduce((acc, d, i) => acc + (d - 1) * ref.stride[i]!, 0);
      if (last >= ref.storage.numel) fail(`view reaches element ${last} of a ${ref.storage.numel}-element storage`);
    }
  }

  dtype(key: string): DType {
    return this.ref(key).storage.dtype;
  }

  ref(key: string): TorchTensorRef {
    const found = this.tensors.get(key);
    if (!found) throw new CheckpointFormatError(this.path, `no tensor named "${key}"`);
    return found;
  }

  /** Reads one tensor's elements in row-major order as raw little-endian bytes. */
  async readBytes(key: string): Promise<Uint8Array> {
    const ref = this.ref(key);
    const item = DTYPE_BYTES[ref.storage.dtype];
    const count = elementCount(ref.shape);
    if (count === 0) return new Uint8Array(0);
    const entry = this.storageEntry(ref);
    if (isContiguous(ref.shape, ref.stride)) {
      return this.zip.readStoredRange(entry, ref.storageOffset * item, count * item);
    }
    // Strided view (rare in state dicts): read the span it covers, then gather in row-major order.
    const span = ref.shape.reduce((acc, d, i) => acc + (d - 1) * ref.stride[i]!, 0) + 1;
    const source = await this.zip.readStoredRange(entry, ref.storageOffset * item, span * item);
    const out = new Uint8Array(count * item);
    const index = new Array<number>(ref.shape.length).fill(0);
    for (let n = 0; n < count; n++) {
      let at = 0;
      for (let d = 0; d < index.length; d++) at += index[d]! * ref.stride[d]!;
      out.set(source.subarray(at * item, at * item + item), n * item);
      for (let d = index.length - 1; d >= 0; d--) {
        if (++index[d]! < ref.shape[d]!) break;
        index[d] = 0;
      }
    }
    return out;
  }

  async readFloat32(key: string): Promise<Float32Array> {
    return bytesToFloat32(await this.readBytes(key), this.dtype(key));
  }

  async close(): Promise<void> {
    await this.zip.close();
  }
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d]! !== 1 && stride[d]! !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

function persistentStorage(pid: unknown): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
    throw new PickleError('persistent id is not a torch storage record');
  }
  const [, type, key, , numel] = pid as unknown[];
  if (!(type instanceof StorageType)) throw new PickleError(`storage type ${String(type)} is not a known torch storage`);
  if (typeof key !== 'string' || !/^[\w.-]+$/.test(key)) throw new PickleError('storage key is not a plain name');
  if (!Number.isSafeInteger(numel) || (numel as number) < 0) throw new PickleError('storage size is invalid');
  return { key, dtype: type.dtype, numel: numel as number };
}

/**
 * Finds the tensor dictionary: Lightning checkpoints wrap it as {"state_dict": ...}, plain
 * .pth files are the dictionary itself. Non-tensor values (step counters etc.) are skipped.
 */
function collectStateDict(path: string, root: unknown): Map<string, TorchTensorRef> {
  const asMap = (v: unknown) => (v instanceof Map ? v : v instanceof OpaqueObject ? v.items : undefined);
  const top = asMap(root);
  if (!top) throw new CheckpointFormatError(path, 'the pickle does not hold a dictionary of tensors');
  const inner = asMap(top.get('state_dict')) ?? top;
  const tensors = new Map<string, TorchTensorRef>();
  for (const [key, value] of inner) {
    if (typeof key === 'string' && isTensorRef(value)) tensors.set(key, value);
  }
  if (tensors.size === 0) throw new CheckpointFormatError(path, 'no tensors found in the checkpoint');
  return tensors;
}
