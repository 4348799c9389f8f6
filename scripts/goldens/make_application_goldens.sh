#!/usr/bin/env bash
# Regenerates test/goldens/applications/ (one compact JSON per keras.applications architecture)
# with real Keras 3 on the JAX backend. Usage: bash scripts/goldens/make_application_goldens.sh [Application ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/goldens/setup_oracle.sh
KERAS_BACKEND=jax PYTHONHASHSEED=0 .keras-oracle/bin/python scripts/goldens/make_application_goldens.py "$@"
