"""Writes test/goldens/fault_isolation/manifest.json with real Keras 3 (JAX backend): scripts that
build their models inside functions (`def main(): ...`, builders called from `main`), each with a
`{middle}` line where test/unit/fault_isolation.test.ts puts (indented by the case's `indent`) a pathological statement (an endless
loop, unbounded recursion, a huge allocation, an internal fault). Keras cannot run those, so here
the middle is removed (replaced by `pass`): what Keras builds then is what ConvLens must still
show with the middle in place. For each model made, in order: its name, parameter count, and each
layer's name and output shape.

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_fault_isolation_goldens.py
"""

import json
import os
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "fault_isolation")

HEAD = "import keras\nfrom keras import layers\n\n"

CNN = """    cnn = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10),
    ], name="cnn")
"""

MLP = """    inputs = keras.Input(shape=(16,))
    hidden = layers.Dense(32, activation="relu")(inputs)
    mlp = keras.Model(inputs, layers.Dense(3)(hidden), name="mlp")
"""

MAIN_UNDER_GUARD = HEAD + "def main():\n" + CNN + "{middle}\n" + MLP + "    cnn.summary()\n    mlp.summary()\n\n\nif __name__ == \"__main__\":\n    main()\n"
MAIN_FIRST_STATEMENT = HEAD + "def main():\n{middle}\n" + CNN + MLP + "\n\nmain()\n"
BUILDERS = (
    HEAD
    + "def build_cnn():\n" + CNN + "    return cnn\n\n\ndef build_mlp(width):\n" + MLP.replace("Dense(32", "Dense(width") + "    return mlp\n\n\n"
    + "def main():\n    first = build_cnn()\n{middle}\n    second = build_mlp(32)\n    first.summary()\n    second.summary()\n\n\n"
    + "if __name__ == \"__main__\":\n    main()\n"
)
INSIDE_IF = HEAD + "def main(train=True):\n" + CNN + "    if train:\n{middle}\n" + MLP + "\n\nmain()\n"

# name: (template, how many spaces the middle's lines are indented by)
CASES = {
    "main() called under `if __name__ == \"__main__\":`": (MAIN_UNDER_GUARD, 4),
    "main() called at module level, its first statement pathological": (MAIN_FIRST_STATEMENT, 4),
    "builders called from main()": (BUILDERS, 4),
    "the pathological statement inside an `if` in main()": (INSIDE_IF, 8),
}


def models_built(source):
    """Runs `source` and returns the models its functions held when they returned, in that order."""
    keras.backend.clear_session()
    seen = []

    def tracer(frame, event, arg):
        if event == "return":
            for value in list(frame.f_locals.values()) + [arg]:
                if isinstance(value, keras.Model) and all(value is not s for s in seen):
                    seen.append(value)
        return tracer

    sys.settrace(lambda frame, event, arg: tracer if frame.f_code.co_filename == "<case>" else None)
    try:
        exec(compile(source, "<case>", "exec"), {"__name__": "__main__"})
    finally:
        sys.settrace(None)
    return [
        {
            "name": m.name,
            "params": int(m.count_params()),
            "layers": [[layer.name, list(layer.output.shape)] for layer in m.layers],
        }
        for m in seen
    ]


os.makedirs(OUT, exist_ok=True)
cases = []
for name, (template, indent) in CASES.items():
    source = template.replace("{middle}", " " * indent + "pass")
    cases.append({"name": name, "template": template, "indent": indent, "models": models_built(source)})
manifest = {"keras": keras.__version__, "note": "models built with the {middle} statement replaced by `pass`", "cases": cases}
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
print(f"{len(cases)} cases -> {OUT}")
