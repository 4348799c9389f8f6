/** OnnxGraph -> ONNX ModelProto bytes. The only module that knows the protobuf classes. */
import { onnx } from 'onnx-proto';
import type { AttrValue, OnnxGraph, ValueInfo } from './graph';

export const OPSET = 13;

function attribute(name: string, v: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  // A JS string would be base64-decoded by protobufjs: bytes must be given explicitly.
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  if ('strings' in v) return { name, type: T.STRINGS, strings: v.strings.map((x) => new TextEncoder().encode(x)) };
  return { name, type: T.FLOATS, floats: v.floats };
}

function valueInfo(v: ValueInfo): onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: v.dims.map((d) => (typeof d === 'string' ? { dimParam: d } : d < 0 ? { dimParam: 'N' } : { dimValue: d })) },
      },
    },
  };
}

export function encodeModel(graph: OnnxGraph, name: string): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 7,
    producerName: 'ConvLens',
    producerVersion: '0.1',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name,
      node: graph.nodes.map((n) => ({
        name: n.name,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
        docString: n.layer,
      })),
      initializer: graph.initializers.map((t) => ({
        name: t.name,
        dims: t.dims,
        dataType: t.data instanceof BigInt64Array ? onnx.TensorProto.DataType.INT64 : onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      })),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}
