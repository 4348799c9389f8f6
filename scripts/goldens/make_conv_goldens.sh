#!/usr/bin/env bash
# Regenerates test/goldens/conv_layers.json (conv output shapes and params) with real Keras 3 on JAX.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/goldens/setup_oracle.sh
KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_conv_goldens.py
