/**
 * A restricted Python unpickler. It understands the pickle opcodes (protocols 0 to 5) but never
 * imports or runs anything: a GLOBAL is resolved only through an allow-list of pure JavaScript
 * rebuild functions supplied by the caller (torch tensors, OrderedDict, ...). Any other global
 * becomes an inert `PickleGlobal` placeholder and calling it yields an inert `OpaqueObject`, so
 * hostile checkpoints cannot execute code. Globals from modules that only exist to run code
 * (os, subprocess, builtins.eval, ...) are refused outright, so such a file fails loudly.
 */

/** A global the loader does not know: kept as a name, never imported. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  toString(): string {
    return `${this.module}.${this.name}`;
  }
}

/** The inert result of "calling" an unknown global; records what the pickle asked for. */
export class OpaqueObject {
  state: unknown = undefined;
  readonly items = new Map<unknown, unknown>();
  readonly list: unknown[] = [];
  constructor(
    readonly callable: unknown,
    readonly args: readonly unknown[],
  ) {}
}

/** A JavaScript stand-in for a whitelisted Python callable: builds data, has no side effects. */
export interface SafeCallable {
  readonly safeCall: (args: readonly unknown[]) => unknown;
}

export interface UnpickleOptions {
  /** Returns the stand-in for an allowed global, or undefined to leave it opaque. */
  readonly resolveGlobal: (module: string, name: string) => unknown;
  /** Resolves a persistent id (torch uses them for tensor storages). */
  readonly persistentLoad?: (pid: unknown) => unknown;
}

/** Raised for malformed or refused pickles; the caller adds the file name. */
export class PickleError extends Error {
  override readonly name = 'PickleError';
}

/** Modules whose globals exist only to run code or touch the system: refuse the file. */
const REFUSED_MODULES = new Set([
  'os', 'posix', 'nt', 'subprocess', 'sys', 'importlib', 'shutil', 'socket', 'pty', 'runpy',
  'webbrowser', 'code', 'pickle', '_pickle', 'marshal', 'ctypes', 'types', 'commands', 'platform',
  'multiprocessing', 'threading', 'signal', 'io', 'tempfile', 'operator', 'functools',
]);
/**
 * Builtins that evaluate code, reach attributes or touch files. Harmless ones (set, slice,
 * complex, ...) legitimately appear in Lightning checkpoints and stay inert placeholders.
 */
const REFUSED_BUILTINS = new Set([
  'eval', 'exec', 'execfile', 'compile', 'open', 'file', 'input', '__import__', 'getattr', 'setattr',
  'delattr', 'globals', 'locals', 'vars', 'breakpoint', 'apply', 'reload', 'help', 'exit', 'quit',
]);


function isSafeCallable(value: unknown): value is SafeCallable {
  return typeof value === 'object' && value !== null && 'safeCall' in value;
}

export function unpickle(data: Uint8Array, options: UnpickleOptions): unknown {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');

  const need = (n: number) => {
    if (n < 0 || pos + n > data.length) throw new PickleError(`pickle truncated at byte ${pos} (needs ${n} more)`);
  };
  const u8 = () => (need(1), data[pos++]!);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    pos += 8;
    const v = view.getBigUint64(pos - 8, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError('pickle length field is absurd');
    return Number(v);
  };
  const bytes = (n: number) => (need(n), (pos += n), data.subarray(pos - n, pos));
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError('pickle truncated inside a text line');
    const text = latin1.decode(data.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = () => {
    if (stack.length === 0) throw new PickleError(`pickle stack underflow at byte ${pos}`);
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) throw new PickleError(`pickle stack underflow at byte ${pos}`);
    return stack[stack.length - 1];
  };
  // Callers must take popMark()'s result before touching `stack`: it swaps the array out.
  const popMark = () => {
    const items = stack;
    const previous = metastack.pop();
    if (!previous) throw new PickleError('pickle MARK missing');
    stack = previous;
    return items;
  };
  const findClass = (module: string, name: string): unknown => {
    const root = module.split('.')[0]!;
    const isBuiltins = root === 'builtins' || root === '__builtin__';
    if (REFUSED_MODULES.has(root) || (isBuiltins && REFUSED_BUILTINS.has(name))) {
      throw new PickleError(`refusing to load: the pickle references ${module}.${name}, which could run code`);
    }
    return options.resolveGlobal(module, name) ?? new PickleGlobal(module, name);
  };
  const call = (callable: unknown, args: unknown): unknown => {
    const list = Array.isArray(args) ? args : [];
    return isSafeCallable(callable) ? callable.safeCall(list) : new OpaqueObject(callable, list);
  };
  const setItems = (target: unknown, pairs: unknown[]) => {
    if (pairs.length % 2) throw new PickleError('odd number of items for a dict');
    const map = target instanceof Map ? target : target instanceof OpaqueObject ? target.items : undefined;
    if (!map) throw new PickleError('SETITEM on something that is not a dict');
    for (let i = 0; i < pairs.length; i += 2) map.set(pairs[i], pairs[i + 1]);
  };
  const appendItems = (target: unknown, items: unknown[]) => {
    if (Array.isArray(target)) target.push(...items);
    else if (target instanceof OpaqueObject) target.list.push(...items);
    else throw new PickleError('APPEND on something that is not a list');
  };
  const decodeLong = (raw: Uint8Array): number | bigint => {
    if (raw.length === 0) return 0;
    let value = 0n;
    for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]!);
    if (raw[raw.length - 1]! & 0x80) value -= 1n << BigInt(raw.length * 8);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME: framing is advisory
      case 0x2e: { // STOP
        if (stack.length !== 1 || metastack.length) throw new PickleError('pickle ends with an unbalanced stack');
        return stack[0];
      }
      case 0x28: metastack.push(stack); stack = []; break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(decodeLong(bytes(u8()))); break; // LONG1
      case 0x8b: { const n = i32(); stack.push(decodeLong(bytes(n))); break; } // LONG4
      case 0x49: { // INT (text)
        const text = line();
        stack.push(text === '01' ? true : text === '00' ? false : Number.parseInt(text, 10));
        break;
      }
      case 0x4c: stack.push(Number.parseInt(line().replace(/L$/, ''), 10)); break; // LONG (text)
      case 0x47: need(8); pos += 8; stack.push(view.getFloat64(pos - 8, false)); break; // BINFLOAT (big endian)
      case 0x46: stack.push(Number.parseFloat(line())); break; // FLOAT (text)
      case 0x58: stack.push(utf8.decode(bytes(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(utf8.decode(bytes(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8.decode(bytes(u64()))); break; // BINUNICODE8
      case 0x56: stack.push(line()); break; // UNICODE (raw-unicode-escape; plain text in practice)
      case 0x54: stack.push(latin1.decode(bytes(i32()))); break; // BINSTRING
      case 0x55: stack.push(latin1.decode(bytes(u8()))); break; // SHORT_BINSTRING
      case 0x53: stack.push(line().replace(/^['"]|['"]$/g, '')); break; // STRING
      case 0x42: stack.push(bytes(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(bytes(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(bytes(u64()).slice()); break; // BINBYTES8
      case 0x96: stack.push(bytes(u64()).slice()); break; // BYTEARRAY8
      case 0x29: stack.push(Object.freeze([])); break; // EMPTY_TUPLE
      case 0x85: stack.push(Object.freeze([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push(Object.freeze([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push(Object.freeze([a, b, c])); break; } // TUPLE3
      case 0x74: { const items = popMark(); stack.push(Object.freeze(items)); break; } // TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: { const items = popMark(); stack.push(items); break; } // LIST
      case 0x61: { const v = pop(); appendItems(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); appendItems(top(), items); break; } // APPENDS
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { const m = new Map(); setItems(m, popMark()); stack.push(m); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x90: { const items = popMark(); const s = top(); if (s instanceof Set) items.forEach((i) => s.add(i)); break; } // ADDITEMS
      case 0x91: { const items = popMark(); stack.push(new Set(items)); break; } // FROZENSET
      case 0x70: memo.set(Number.parseInt(line(), 10), top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: stack.push(getMemo(memo, Number.parseInt(line(), 10))); break; // GET
      case 0x68: stack.push(getMemo(memo, u8())); break; // BINGET
      case 0x6a: stack.push(getMemo(memo, u32())); break; // LONG_BINGET
      case 0x63: { const module = line(); const name = line(); stack.push(findClass(module, name)); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('STACK_GLOBAL needs two strings');
        stack.push(findClass(module, name));
        break;
      }
      case 0x52: { const args = pop(); const fn = pop(); stack.push(call(fn, args)); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = pop(); stack.push(call(cls, args)); break; } // NEWOBJ
      case 0x92: { pop(); const args = pop(); const cls = pop(); stack.push(call(cls, args)); break; } // NEWOBJ_EX
      case 0x62: { // BUILD: only recorded, never dispatched to __setstate__
        const state = pop();
        const target = top();
        if (target instanceof OpaqueObject) target.state = state;
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) throw new PickleError('pickle uses persistent ids but none are supported here');
        stack.push(options.persistentLoad(pid));
        break;
      }
      case 0x50: throw new PickleError('text persistent ids (PERSID) are not supported');
      case 0x69: // INST
      case 0x6f: // OBJ
        throw new PickleError(`old-style instance opcode 0x${op.toString(16)} is not supported`);
      case 0x82: case 0x83: case 0x84: // EXT1/2/4: extension registry lookups
        throw new PickleError('pickle extension codes are not supported');
      case 0x97: case 0x98: // NEXT_BUFFER, READONLY_BUFFER (out-of-band data)
        throw new PickleError('out-of-band pickle buffers are not supported');
      default:
        throw new PickleError(`unknown pickle opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}

function getMemo(memo: Map<number, unknown>, index: number): unknown {
  if (!memo.has(index)) throw new PickleError(`pickle refers to memo slot ${index}, which was never stored`);
  return memo.get(index);
}

