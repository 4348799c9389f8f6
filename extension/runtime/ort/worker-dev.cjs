// Development entry of the ONNX Runtime worker (no bundle built): compile the TypeScript on the fly.
require('tsx/cjs');
require('./worker.ts');
