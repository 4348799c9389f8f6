/**
 * An ONNX graph under construction, independent of the protobuf encoding (see encode.ts).
 * Tensor names carry the Keras layer names so ORT profiles and errors map back to layers.
 */

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | { strings: string[] };

export interface OnnxNode {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  /** The Keras layer this node implements (for profiling and error messages). */
  layer: string;
}

export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

export interface ValueInfo {
  name: string;
  /** -1 or a string is a symbolic dimension (the batch). */
  dims: (number | string)[];
}

export class OnnxGraph {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private readonly weightNames = new Set<string>();
  /** The Keras layer whose nodes are being emitted. */
  currentLayer = '';

  /** A tensor or node name not used before, derived from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node; returns its (first) output name. */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputName?: string): string {
    const out = this.fresh(outputName ?? `${this.currentLayer}/${op}`);
    this.nodes.push({ op, name: this.fresh(`${this.currentLayer}/${op}_node`), inputs, outputs: [out], attrs, layer: this.currentLayer });
    return out;
  }

  /**
   * Adds a node with several outputs (LSTM's Y and Y_h): one name per output in `outputs`, or
   * null for an optional output left out. Returns the names, '' for those left out.
   */
  nodeOutputs(op: string, inputs: string[], attrs: Record<string, AttrValue>, outputs: (string | null)[]): string[] {
    const names = outputs.map((o) => (o === null ? '' : this.fresh(`${this.currentLayer}/${o}`)));
    while (names.length && names[names.length - 1] === '') names.pop();
    this.nodes.push({ op, name: this.fresh(`${this.currentLayer}/${op}_node`), inputs, outputs: names, attrs, layer: this.currentLayer });
    return outputs.map((_, i) => names[i] ?? '');
  }

  /** A weight initializer. Named after its layer, so a shared layer's later calls reuse it. */
  weight(name: string, dims: number[], data: Float32Array): string {
    if (this.weightNames.has(name)) return name;
    this.weightNames.add(name);
    const n = this.fresh(name);
    this.initializers.push({ name: n, dims, data });
    return n;
  }

  int64s(name: string, values: number[]): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return n;
  }

  /** An int64 scalar (Clip's bounds on indices). */
  int64Scalar(name: string, value: number): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, dims: [], data: BigInt64Array.of(BigInt(value)) });
    return n;
  }

  scalar(name: string, value: number): string {
    const n = this.fresh(name);
    this.initializers.push({ name: n, dims: [], data: Float32Array.of(value) });
    return n;
  }
}
