#!/usr/bin/env bash
# Regenerates test/goldens/channels_first/ with real Keras 3 on the JAX backend.
# Usage: bash scripts/goldens/make_channels_first_goldens.sh [layers|applications [Application ...]]
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/goldens/setup_oracle.sh
KERAS_BACKEND=jax PYTHONHASHSEED=0 .keras-oracle/bin/python scripts/goldens/make_channels_first_goldens.py "$@"
