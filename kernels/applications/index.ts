/**
 * keras.applications architectures as Python definitions the tracer runs (see
 * extension/engine/trace/applications.ts). Each module's text is the shared prelude plus its own.
 */
import { COMMON, DIVISIBLE } from './common';
import { CONVNEXT } from './convnext';
import { DENSENET } from './densenet';
import { EFFICIENTNET } from './efficientnet';
import { EFFICIENTNET_V2 } from './efficientnet_v2';
import { INCEPTION_RESNET_V2 } from './inception_resnet_v2';
import { INCEPTION_V3 } from './inception_v3';
import { MOBILENET } from './mobilenet';
import { MOBILENET_V2 } from './mobilenet_v2';
import { MOBILENET_V3 } from './mobilenet_v3';
import { NASNET } from './nasnet';
import { RESNET } from './resnet';
import { VGG } from './vgg';
import { XCEPTION } from './xception';

export interface ApplicationDefinition {
  /** Key of the definition module (one parse, one module scope per trace). */
  module: string;
  /** The Python the tracer runs: it defines `function`. */
  source: string;
  /** The Python function to call; the application's own name when absent. */
  function?: string;
}

const MODULES: Record<string, { text: string; apps: string[] }> = {
  vgg: { text: VGG, apps: ['VGG16', 'VGG19'] },
  resnet: { text: RESNET, apps: ['ResNet50', 'ResNet101', 'ResNet152', 'ResNet50V2', 'ResNet101V2', 'ResNet152V2'] },
  xception: { text: XCEPTION, apps: ['Xception'] },
  densenet: { text: DENSENET, apps: ['DenseNet121', 'DenseNet169', 'DenseNet201'] },
  inception_v3: { text: INCEPTION_V3, apps: ['InceptionV3'] },
  inception_resnet_v2: { text: INCEPTION_RESNET_V2, apps: ['InceptionResNetV2'] },
  nasnet: { text: NASNET, apps: ['NASNetMobile', 'NASNetLarge'] },
  mobilenet: { text: MOBILENET, apps: ['MobileNet'] },
  mobilenet_v2: { text: DIVISIBLE + MOBILENET_V2, apps: ['MobileNetV2'] },
  efficientnet: { text: DIVISIBLE + EFFICIENTNET, apps: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `EfficientNetB${i}`) },
  efficientnet_v2: { text: EFFICIENTNET_V2, apps: ['B0', 'B1', 'B2', 'B3', 'S', 'M', 'L'].map((v) => `EfficientNetV2${v}`) },
  convnext: { text: CONVNEXT, apps: ['Tiny', 'Small', 'Base', 'Large', 'XLarge'].map((v) => `ConvNeXt${v}`) },
  mobilenet_v3: { text: DIVISIBLE + MOBILENET_V3, apps: ['MobileNetV3Small', 'MobileNetV3Large'] },
};

const byName = new Map<string, ApplicationDefinition>();
for (const [module, { text, apps }] of Object.entries(MODULES)) {
  const source = COMMON + text;
  for (const app of apps) byName.set(app, { module, source });
}

/** The definition of a keras.applications architecture by its Keras name (`ResNet50`). */
export function applicationFor(name: string): ApplicationDefinition | undefined {
  return byName.get(name);
}

/** Every architecture ConvLens can trace. */
export function applicationNames(): string[] {
  return [...byName.keys()];
}
