/**
 * A read-only view of an HDF5 file through h5wasm that never prints the HDF5 library's diagnostics
 * (they become one-line errors), checks the file is whole before opening it, and reads a dataset
 * only after its declared size was checked against a budget.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

type H5Module = typeof import('h5wasm/node');
type H5Group = InstanceType<H5Module['Group']>;
type H5Dataset = InstanceType<H5Module['Dataset']>;

/** A weight file that cannot be used; the message is one line meant for the user. */
export class WeightFileError extends Error {}

const HDF5_SIGNATURE = '\x89HDF\r\n\x1a\n';

let lib: Promise<H5Module> | null = null;
function h5(): Promise<H5Module> {
  lib ??= (async () => {
    const mod = await import('h5wasm/node');
    const Module = await mod.ready;
    // Library errors become JS exceptions instead of pages of HDF5-DIAG on stderr.
    (Module as unknown as { activate_throwing_error_handler(): number }).activate_throwing_error_handler();
    return mod;
  })();
  return lib;
}

/** The end-of-file address the superblock declares (versions 0-3), or null when it cannot be read. */
function declaredLength(head: Buffer): number | null {
  const version = head[8];
  let offsetSize: number;
  let eofAt: number;
  if (version === 0 || version === 1) {
    offsetSize = head[13];
    // signature 8, versions 5, reserved 1, sizes 2, reserved 1, K values 4, flags 4 (+ 4 in v1), base, free-space
    eofAt = 24 + (version === 1 ? 4 : 0) + 2 * offsetSize;
  } else if (version === 2 || version === 3) {
    offsetSize = head[9];
    // signature 8, version 1, sizes 2, flags 1, base, extension
    eofAt = 12 + 2 * offsetSize;
  } else return null;
  if (offsetSize !== 8 && offsetSize !== 4) return null;
  const value = offsetSize === 8 ? Number(head.readBigUInt64LE(eofAt)) : head.readUInt32LE(eofAt);
  return Number.isSafeInteger(value) ? value : null;
}

/** The first `n` bytes of a file (fewer when it is shorter), without reading the rest. */
export function readHead(file: string, n: number): Buffer {
  const head = Buffer.alloc(n);
  const fd = openSync(file, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** Checks the signature and that the file is as long as its header says. */
export function checkHdf5File(file: string, label = path.basename(file)): void {
  const head = readHead(file, 64);
  const got = head.length;
  if (got < 8 || head.subarray(0, 8).toString('latin1') !== HDF5_SIGNATURE) throw new WeightFileError(`${label} is not an HDF5 file`);
  const declared = got === 64 ? declaredLength(head) : null;
  const actual = statSync(file).size;
  if (declared === null) throw new WeightFileError(`${label} is damaged: its HDF5 header cannot be read`);
  if (actual < declared) throw new WeightFileError(`${label} is truncated: its HDF5 header declares ${declared} bytes, the file has ${actual}`);
}

export interface DatasetInfo {
  path: string;
  shape: number[];
  /** Number of elements, from the metadata. */
  size: number;
}

export class Hdf5Reader {
  private constructor(private readonly mod: H5Module, private readonly file: InstanceType<H5Module['File']>, readonly label: string) {}

  static async open(file: string, label = path.basename(file)): Promise<Hdf5Reader> {
    checkHdf5File(file, label);
    const mod = await h5();
    try {
      return new Hdf5Reader(mod, new mod.File(file, 'r'), label);
    } catch (e) {
      throw new WeightFileError(`${label} is damaged: the HDF5 library cannot open it (${firstLine(e)})`);
    }
  }

  close(): void {
    this.file.close();
  }

  private guard<T>(what: string, body: () => T): T {
    try {
      return body();
    } catch (e) {
      if (e instanceof WeightFileError) throw e;
      throw new WeightFileError(`${this.label} is damaged: ${what} cannot be read (${firstLine(e)})`);
    }
  }

  /** The group at `p` ('' for the root), or null. */
  private group(p: string): H5Group | null {
    return this.guard(`/${p}`, () => {
      if (!p) return this.file;
      const parent = this.group(p.split('/').slice(0, -1).join('/'));
      const name = p.split('/').pop()!;
      if (!parent || !parent.keys().includes(name)) return null;
      const g = parent.get(name);
      return g instanceof this.mod.Group ? g : null;
    });
  }

  has(p: string): boolean {
    return this.group(p) !== null;
  }

  keys(p: string): string[] {
    const g = this.group(p);
    return g ? this.guard(`/${p}`, () => g.keys()) : [];
  }

  isGroup(p: string): boolean {
    return this.group(p) !== null;
  }

  /** A string or string-list attribute of a group, or null. */
  stringsAttr(p: string, attr: string): string[] | null {
    const g = this.group(p);
    if (!g) return null;
    return this.guard(`/${p} attribute ${attr}`, () => {
      if (!(attr in g.attrs)) return null;
      const value = g.attrs[attr].value;
      const items = Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<unknown>) : [value];
      return items.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
    });
  }

  /** A dataset's shape from its metadata (no data read), or null when `p` is not a dataset. */
  dataset(p: string): DatasetInfo | null {
    const parent = this.group(p.split('/').slice(0, -1).join('/'));
    const name = p.split('/').pop()!;
    if (!parent) return null;
    return this.guard(`/${p}`, () => {
      if (!parent.keys().includes(name)) return null;
      const ds = parent.get(name);
      if (!(ds instanceof this.mod.Dataset)) return null;
      const shape = ds.shape ?? [];
      return { path: p, shape, size: shape.reduce((a, b) => a * b, 1) };
    });
  }

  /** Reads a float dataset whose size was already checked by the caller. */
  readFloat32(info: DatasetInfo): Float32Array {
    return this.guard(`/${info.path}`, () => {
      const ds = this.file.get(info.path) as H5Dataset;
      const meta = ds.metadata;
      if (meta.type !== 1) throw new WeightFileError(`${this.label}: /${info.path} is not a floating-point array`);
      const value = ds.value;
      if (value instanceof Float32Array) return value;
      if (ArrayBuffer.isView(value)) return Float32Array.from(value as unknown as ArrayLike<number>);
      throw new WeightFileError(`${this.label}: /${info.path} is not numeric`);
    });
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const minor = /minor: ([^\n]+)/g;
  let last: string | undefined;
  for (const m of text.matchAll(minor)) last = m[1].trim();
  return last ?? text.split('\n')[0].slice(0, 160);
}
