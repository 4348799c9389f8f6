/** NumPy .npy (version 1.0, little-endian float32, C order): read and write. */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export function writeNpy(arr: NpyArray): Uint8Array {
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2) + header + '\n' must be a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + arr.data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength), 10 + header.length);
  return out;
}

/** The header of a .npy file: shape and dtype, and where the data starts (read before any allocation). */
export function readNpyHeader(bytes: Uint8Array): { shape: number[]; descr: string | undefined; dataOffset: number } {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error('not a .npy file (bad magic number)');
  const major = bytes[6];
  const headerLen = major === 1 ? bytes[8] | (bytes[9] << 8) : bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error('.npy header has no shape');
  if (fortran === 'True') throw new Error('.npy arrays in Fortran order are not supported; save with np.ascontiguousarray');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  return { shape, descr, dataOffset: start + headerLen };
}

export function readNpy(bytes: Uint8Array): NpyArray {
  const { shape, descr, dataOffset } = readNpyHeader(bytes);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(dataOffset);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const data = new Float32Array(count);
  const readers: Record<string, [number, (o: number) => number]> = {
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '|u1': [1, (o) => view.getUint8(o)],
    '<i4': [4, (o) => view.getInt32(o, true)],
    '<i8': [8, (o) => Number(view.getBigInt64(o, true))],
  };
  const reader = descr ? readers[descr] : undefined;
  if (!reader) throw new Error(`.npy dtype ${descr} is not supported (use float32)`);
  const [size, read] = reader;
  if (body.byteLength < count * size) throw new Error('.npy file is truncated');
  for (let i = 0; i < count; i++) data[i] = read(i * size);
  return { shape, data };
}
