"""Times real Keras 3 (the backend from KERAS_BACKEND, JAX in bench:run) on one of our example files:
builds the model the file defines, then the median of 10 compiled predict_on_batch calls on a random
batch of one after two warm-up calls (the first compiles). Prints one JSON line. A bench peer only:
ConvLens itself never runs Python."""
import json
import statistics
import sys
import time

import numpy as np
import keras

source_path = sys.argv[1]
scope = {"__name__": "__bench__"}
with open(source_path) as f:
    exec(compile(f.read(), source_path, "exec"), scope)
model = next(v for v in scope.values() if isinstance(v, keras.Model))
shape = (1,) + tuple(model.inputs[0].shape[1:])
x = np.random.default_rng(1).random(shape, dtype=np.float32)
for _ in range(2):
    model.predict_on_batch(x)
times = []
for _ in range(10):
    t0 = time.perf_counter()
    np.asarray(model.predict_on_batch(x))
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"backend": keras.backend.backend(), "version": keras.__version__, "ms": statistics.median(times)}))
