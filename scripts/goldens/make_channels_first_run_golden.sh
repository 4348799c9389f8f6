#!/usr/bin/env bash
# Regenerates test/goldens/channels_first/run_image.* with real Keras 3 on the JAX backend.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/goldens/setup_oracle.sh
KERAS_BACKEND=jax PYTHONHASHSEED=0 .keras-oracle/bin/python scripts/goldens/make_channels_first_run_golden.py
