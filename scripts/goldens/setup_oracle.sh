#!/usr/bin/env bash
# Creates the local Keras oracle venv (.keras-oracle/, gitignored) used to write the goldens in
# test/goldens/. Idempotent: does nothing when .keras-oracle/bin/python already exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x .keras-oracle/bin/python ]; then
  python3 -m venv .keras-oracle && .keras-oracle/bin/pip install -q --retries 0 keras jax jaxlib h5py
fi
