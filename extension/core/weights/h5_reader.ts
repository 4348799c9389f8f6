/**
 * Reading Keras weight files with h5wasm: the Keras 3 layout (`.weights.h5`, or `model.weights.h5`
 * inside a `.keras` zip) and the legacy Keras 2 layout (`save_weights` / full-model `.h5`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';

export interface StoredArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** One layer's weights as stored, in the file's order. */
export interface StoredLayer {
  /** The layer name (last path component for Keras 3; the group name for Keras 2). */
  name: string;
  path: string;
  arrays: StoredArray[];
}

export interface WeightFile {
  format: 'keras3' | 'keras2';
  layers: StoredLayer[];
}

type H5 = typeof import('h5wasm/node').default;
type H5Group = InstanceType<H5['Group']>;

async function h5(): Promise<H5> {
  const mod = (await import('h5wasm/node')).default;
  await mod.ready;
  return mod;
}

function toFloat32(value: unknown): Float32Array {
  if (value instanceof Float32Array) return value;
  if (ArrayBuffer.isView(value)) return Float32Array.from(value as unknown as ArrayLike<number>);
  throw new Error('a weight dataset is not numeric');
}

function strings(value: unknown): string[] {
  const list = Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<unknown>) : [value];
  return list.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
}

function readArray(lib: H5, group: H5Group, key: string, name: string): StoredArray {
  const ds = group.get(key);
  if (!(ds instanceof lib.Dataset)) throw new Error(`${group.path}/${key} is not a dataset`);
  return { name, shape: ds.shape ?? [], data: toFloat32(ds.value) };
}

/** Keras 3: every `<path>/vars` group holds datasets "0", "1", ... */
function readKeras3(lib: H5, root: H5Group): StoredLayer[] {
  const out: StoredLayer[] = [];
  const walk = (group: H5Group) => {
    for (const key of group.keys()) {
      const child = group.get(key);
      if (!(child instanceof lib.Group)) continue;
      if (key === 'vars') {
        const keys = child.keys().filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
        if (keys.length) out.push({ name: group.path.split('/').pop() ?? '', path: group.path, arrays: keys.map((k) => readArray(lib, child, k, k)) });
      } else walk(child);
    }
  };
  walk(root);
  return out;
}

/** Keras 2: attrs layer_names (root) and weight_names (per layer) give names and order. */
function readKeras2(lib: H5, root: H5Group): StoredLayer[] {
  const names = strings(root.attrs.layer_names.value);
  return names.flatMap((name) => {
    const group = root.get(name);
    if (!(group instanceof lib.Group)) return [];
    const weightNames = group.attrs.weight_names ? strings(group.attrs.weight_names.value) : [];
    if (!weightNames.length) return [];
    return [{ name, path: group.path, arrays: weightNames.map((w) => readArray(lib, group, w, w.split('/').pop()!.replace(/:0$/, ''))) }];
  });
}

async function readH5(file: string): Promise<WeightFile> {
  const lib = await h5();
  const f = new lib.File(file, 'r');
  try {
    const root: H5Group = f.get('model_weights') instanceof lib.Group ? (f.get('model_weights') as H5Group) : f;
    if ('layer_names' in root.attrs) return { format: 'keras2', layers: readKeras2(lib, root) };
    return { format: 'keras3', layers: readKeras3(lib, root) };
  } finally {
    f.close();
  }
}

/** Reads `.weights.h5`, legacy `.h5`, or a `.keras` archive. */
export async function readWeightFile(file: string): Promise<WeightFile> {
  const bytes = readFileSync(file);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    // A .keras archive: config.json, metadata.json and model.weights.h5 in a zip.
    const entries = unzipSync(new Uint8Array(bytes), { filter: (e) => e.name.endsWith('.weights.h5') });
    const inner = Object.values(entries)[0];
    if (!inner) throw new Error(`${path.basename(file)} is a zip without model.weights.h5 (is it a .keras archive?)`);
    const dir = mkdtempSync(path.join(tmpdir(), 'convlens-keras-'));
    try {
      const h5file = path.join(dir, 'model.weights.h5');
      writeFileSync(h5file, inner);
      return await readH5(h5file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (bytes.subarray(0, 8).toString('latin1') !== '\x89HDF\r\n\x1a\n') throw new Error(`${path.basename(file)} is not an HDF5 file or a .keras archive`);
  return readH5(file);
}
