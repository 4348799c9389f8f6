#!/usr/bin/env bash
# Regenerates test/goldens/weights/ (weights files, inputs/outputs, manifest.json) with real
# Keras 3 on the JAX backend. Usage: bash scripts/goldens/make_weight_goldens.sh [CASE ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/goldens/setup_oracle.sh
KERAS_BACKEND=jax PYTHONHASHSEED=0 .keras-oracle/bin/python scripts/goldens/make_weight_goldens.py "$@"
.keras-oracle/bin/python scripts/goldens/make_hostile_weight_files.py
