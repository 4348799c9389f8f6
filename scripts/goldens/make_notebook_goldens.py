"""Writes test/goldens/notebooks/NAME.golden.json with real Keras 3 (JAX backend): for each case
in test/goldens/notebooks/cases.json, the notebook's code cells run in order (what Run All does;
a case may reorder the cells or edit one), in one namespace, each compiled as "<cell N>" (N = the
index in the notebook's cells) so a Keras error's traceback names its cell and line. IPython's
magics and shell lines are skipped with the same rules as extension/engine/notebook/magics.ts.
Each cell is compiled on its own, as Jupyter does: a cell that does not compile (e.g. left with an
unclosed bracket) is recorded with Python's SyntaxError and skipped, and the other cells run, as
when each cell is run in turn. An error while running stops the run, as Run All does: the error's
cell, line, type and message are recorded, and the models built so far.

  NAME.golden.json  {keras, models: [{variable, name, layers: [{name, class, outputShape,
                    params}], params}], error: null | {cell, line, type, message},
                    syntaxErrors: [{cell, line, column, message}]}

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_notebook_goldens.py
"""

import json
import os
import re
import sys
import traceback

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIR = os.path.join(ROOT, "test", "goldens", "notebooks")

LINE_MAGIC = re.compile(r"^\s*(?:[%!]|[A-Za-z_][\w.,\s]*=\s*[%!])")
HELP = re.compile(r"^\s*[A-Za-z_][\w.]*\?\??\s*$")
CELL_MAGIC = re.compile(r"^\s*%%")


def blank(s):
    return re.sub(r"[^\r\n]", " ", s)


def blank_magics(cell):
    lines = cell.split("\n")
    first = next((l for l in lines if l.strip() != ""), "")
    if CELL_MAGIC.match(first):
        return blank(cell)
    continued = False
    for i, line in enumerate(lines):
        if continued or LINE_MAGIC.match(line) or HELP.match(line):
            lines[i] = blank(line)
            continued = bool(re.search(r"\\\r?$", line))
    return "\n".join(lines)


def cell_source(cell):
    s = cell["source"]
    return s if isinstance(s, str) else "".join(s)


def model_json(variable, m):
    layers = []
    for layer in m.layers:
        layers.append({
            "name": layer.name,
            "class": type(layer).__name__,
            "outputShape": list(layer.output.shape),
            "params": layer.count_params(),
        })
    return {"variable": variable, "name": m.name, "layers": layers, "params": m.count_params()}


def run_case(case):
    with open(os.path.join(DIR, case["notebook"])) as f:
        nb = json.load(f)
    cells = [(i, cell_source(c)) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    if "order" in case:
        cells = [cells[k] for k in case["order"]]
    if "edit" in case:
        index, (old, new) = case["edit"]["cell"], case["edit"]["replace"]
        cells = [(i, s.replace(old, new) if i == index else s) for i, s in cells]
        assert any(new in s for i, s in cells if i == index), "the edit did not apply"
    keras.utils.clear_session()
    namespace = {"__name__": "__main__"}
    error = None
    syntax_errors = []
    for index, source in cells:
        try:
            code = compile(blank_magics(source), f"<cell {index}>", "exec")
        except SyntaxError as e:
            # Python's column is 1-based, as ConvLens reports it.
            syntax_errors.append({"cell": index, "line": e.lineno, "column": e.offset, "message": e.msg})
            continue
        try:
            exec(code, namespace)
        except Exception as e:  # noqa: BLE001 - Run All stops at any error; we record where
            frames = [fr for fr in traceback.extract_tb(e.__traceback__) if fr.filename == f"<cell {index}>"]
            error = {"cell": index, "line": frames[-1].lineno, "type": type(e).__name__, "message": str(e).strip().split("\n")[0]}
            break
    models = [model_json(k, v) for k, v in namespace.items() if isinstance(v, keras.Model)]
    return {"keras": keras.__version__, "models": models, "error": error, "syntaxErrors": syntax_errors}


def main():
    with open(os.path.join(DIR, "cases.json")) as f:
        cases = json.load(f)["cases"]
    for case in cases:
        golden = run_case(case)
        with open(os.path.join(DIR, f"{case['name']}.golden.json"), "w") as f:
            json.dump(golden, f, indent=1)
            f.write("\n")
        print(case["name"], [(m["name"], m["params"]) for m in golden["models"]], golden["error"], golden["syntaxErrors"])


if __name__ == "__main__":
    main()
