/**
 * A saved model's architecture (Keras' `config.json`, or `model_config` in a legacy `.h5`) written
 * back as the Keras code that builds it, so the one tracer gives the same graph, names, shapes and
 * tracking paths as the source did. Nothing here evaluates anything; the text is only analysed.
 */
import { kernelFor } from '../../../kernels/registry';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface GeneratedSource {
  text: string;
  /** For each line of `text`, the saved layer it builds or calls (null for scaffolding). */
  lineLayers: (string | null)[];
  /** Why the architecture cannot be rebuilt (a subclassed model), when it cannot. */
  problem?: string;
}

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const BASE_KEYS = new Set(['name', 'trainable']);
const MODEL_CLASSES = new Set(['Functional', 'Model', 'Sequential']);

/** A config value as a Python expression. */
function py(v: Json): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'float("inf")' : v < 0 ? 'float("-inf")' : 'float("nan")';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  if (v.class_name === '__tuple__' && isObj(v.config)) {
    const items = (v.config.value as Json[]) ?? [];
    return items.length === 1 ? `(${py(items[0])},)` : `(${items.map(py).join(', ')})`;
  }
  if (typeof v.class_name === 'string' && 'config' in v) {
    const module = typeof v.module === 'string' && v.module.startsWith('keras') ? v.module.replace(/\.src\./, '.') : 'keras';
    const args = isObj(v.config) ? Object.entries(v.config).map(([k, x]) => `${k}=${py(x)}`) : [];
    return `${module}.${v.class_name}(${args.join(', ')})`;
  }
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${py(x)}`).join(', ')}}`;
}

class Writer {
  readonly lines: string[] = ['import keras', ''];
  readonly owners: (string | null)[] = [null, null];
  private next = 0;

  line(text: string, layer: string | null = null): void {
    this.lines.push(text);
    this.owners.push(layer);
  }

  fresh(prefix: string): string {
    return `${prefix}${this.next++}`;
  }
}

function layerName(entry: Obj): string {
  const cfg = isObj(entry.config) ? entry.config : {};
  return String(entry.name ?? cfg.name ?? entry.class_name);
}

/** `keras.layers.Conv2D(filters=8, ...)`: only the arguments ConvLens' kernel declares (a saved config is valid Keras). */
function constructor(entry: Obj): string {
  const cls = String(entry.class_name);
  const cfg = isObj(entry.config) ? entry.config : {};
  if (cls === 'InputLayer') {
    const shape = cfg.batch_shape ?? cfg.batch_input_shape ?? null;
    return `keras.Input(batch_shape=${py(shape)}, name=${py(cfg.name ?? null)})`;
  }
  const kernel = kernelFor(cls);
  const known = new Set(kernel?.params.map((p) => p.name) ?? []);
  const args = Object.entries(cfg).filter(([k]) => known.has(k) || BASE_KEYS.has(k)).map(([k, v]) => `${k}=${py(v)}`);
  return `keras.layers.${cls}(${args.join(', ')})`;
}

/** Writes the model in `entry` and returns the variable holding it. */
function writeModel(w: Writer, entry: Obj, target?: string): string {
  const cls = String(entry.class_name);
  const cfg = isObj(entry.config) ? entry.config : {};
  if (cls === 'Sequential') return writeSequential(w, cfg, target);
  return writeFunctional(w, cfg, target);
}

function writeSequential(w: Writer, cfg: Obj, target?: string): string {
  const members: string[] = [];
  for (const item of (cfg.layers as Json[]) ?? []) {
    if (!isObj(item)) continue;
    if (MODEL_CLASSES.has(String(item.class_name))) members.push(writeModel(w, item));
    else {
      const v = w.fresh('layer');
      w.line(`${v} = ${constructor(item)}`, layerName(item));
      members.push(v);
    }
  }
  const model = target ?? w.fresh('model');
  w.line(`${model} = keras.Sequential([${members.join(', ')}], name=${py(cfg.name ?? null)})`);
  const first = ((cfg.layers as Json[]) ?? [])[0];
  if (isObj(first) && first.class_name !== 'InputLayer' && Array.isArray(cfg.build_input_shape)) w.line(`${model}.build(${py(cfg.build_input_shape)})`);
  return model;
}

/** keras_history [layer, node, tensor] references, from the Keras 3 or the Keras 2 node format. */
function nodeInputs(node: Json): { refs: [string, number, number][]; asList: boolean } {
  const history = (t: Json): [string, number, number] | null => {
    if (isObj(t) && isObj(t.config) && Array.isArray(t.config.keras_history)) {
      const [l, n, i] = t.config.keras_history;
      return [String(l), Number(n), Number(i)];
    }
    if (Array.isArray(t) && typeof t[0] === 'string') return [t[0], Number(t[1]), Number(t[2])];
    return null;
  };
  if (isObj(node) && Array.isArray(node.args)) {
    const first = node.args[0];
    if (Array.isArray(first)) return { refs: first.map(history).filter((r): r is [string, number, number] => !!r), asList: true };
    return { refs: node.args.map(history).filter((r): r is [string, number, number] => !!r), asList: false };
  }
  // Keras 2: a node is a list of [layer, node, tensor, kwargs] entries.
  const refs = Array.isArray(node) ? node.map(history).filter((r): r is [string, number, number] => !!r) : [];
  return { refs, asList: refs.length > 1 };
}

function endpoints(v: Json | undefined): [string, number, number][] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [[String(v[0]), Number(v[1]), Number(v[2])]];
  return v.flatMap((x) => endpoints(x));
}

function writeFunctional(w: Writer, cfg: Obj, target?: string): string {
  const entries = ((cfg.layers as Json[]) ?? []).filter(isObj);
  const callee = new Map<string, string>();
  for (const entry of entries) {
    const name = layerName(entry);
    if (entry.class_name === 'InputLayer') continue;
    if (MODEL_CLASSES.has(String(entry.class_name))) callee.set(name, writeModel(w, entry));
    else {
      const v = w.fresh('layer');
      w.line(`${v} = ${constructor(entry)}`, name);
      callee.set(name, v);
    }
  }
  // Calls in an order where every input exists (Keras' deserializer also retries pending nodes).
  const outputs = new Map<string, string>();
  const key = (l: string, n: number, i: number) => `${l}/${n}/${i}`;
  const pending = entries.map((entry) => ({ entry, name: layerName(entry), node: 0 }));
  for (const p of pending) {
    if (p.entry.class_name !== 'InputLayer') continue;
    const v = w.fresh('x');
    w.line(`${v} = ${constructor(p.entry)}`, p.name);
    outputs.set(key(p.name, 0, 0), v);
    p.node = Infinity;
  }
  let progress = true;
  while (progress) {
    progress = false;
    for (const p of pending) {
      const nodes = (p.entry.inbound_nodes as Json[]) ?? [];
      while (p.node < nodes.length) {
        const { refs, asList } = nodeInputs(nodes[p.node]);
        const args = refs.map(([l, n, i]) => outputs.get(key(l, n, i)));
        if (!refs.length || args.some((a) => a === undefined)) break;
        const v = w.fresh('x');
        w.line(`${v} = ${callee.get(p.name)}(${asList ? `[${args.join(', ')}]` : args.join(', ')})`, p.name);
        outputs.set(key(p.name, p.node, 0), v);
        p.node++;
        progress = true;
      }
    }
  }
  const ins = endpoints(cfg.input_layers).map(([l, n, i]) => outputs.get(key(l, n, i)) ?? 'None');
  const outs = endpoints(cfg.output_layers).map(([l, n, i]) => outputs.get(key(l, n, i)) ?? 'None');
  const model = target ?? w.fresh('model');
  const list = (xs: string[]) => (xs.length === 1 ? xs[0] : `[${xs.join(', ')}]`);
  w.line(`${model} = keras.Model(${list(ins)}, ${list(outs)}, name=${py(cfg.name ?? null)})`);
  return model;
}

/** The Keras code that builds the saved model `config` (the parsed config.json / model_config). */
export function configToSource(config: unknown): GeneratedSource {
  const w = new Writer();
  if (!isObj(config as Json)) return { text: '', lineLayers: [], problem: 'the saved configuration is not a JSON object' };
  const root = config as Obj;
  const cls = String(root.class_name);
  if (!MODEL_CLASSES.has(cls)) {
    return {
      text: '', lineLayers: [],
      problem: `it holds a subclassed model (${String(root.registered_name ?? cls)}): its architecture is Python code, not configuration, so open the source that defines it`,
    };
  }
  writeModel(w, root, 'model');
  return { text: `${w.lines.join('\n')}\n`, lineLayers: w.owners };
}
