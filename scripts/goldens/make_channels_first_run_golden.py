"""Writes test/goldens/channels_first/run_image.* with real Keras 3 (JAX backend): what Keras
predicts for an image fed to a channels_first model, so that ConvLens' image input (laid out CHW
for such a model) can be checked against it.

  run_image.png         a seeded random RGB image, 16 wide and 12 high: exactly the input size of
                        test/goldens/weights/cases/channels_first.py, so no resizing is involved
  run_image.output.npy  model.predict on the image scaled to [0, 1] and transposed to (3, 12, 16),
                        with the weights of test/goldens/weights/channels_first.weights.h5

Run through scripts/goldens/make_channels_first_run_golden.sh.
"""

import os
import struct
import sys
import zlib

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax (use scripts/goldens/make_channels_first_run_golden.sh)")

import numpy as np  # noqa: E402
import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "channels_first")
WEIGHTS = os.path.join(ROOT, "test", "goldens", "weights")
SEED = 2010
HEIGHT, WIDTH = 12, 16


def png_rgb(pixels):
    """A minimal 8-bit RGB PNG (no Pillow in the oracle venv)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    h, w, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def main():
    keras.backend.clear_session()
    namespace = {}
    with open(os.path.join(WEIGHTS, "cases", "channels_first.py")) as f:
        exec(compile(f.read(), "channels_first.py", "exec"), namespace)
    model = namespace["model"]
    model.load_weights(os.path.join(WEIGHTS, "channels_first.weights.h5"))
    pixels = np.random.default_rng(SEED).integers(0, 256, size=(HEIGHT, WIDTH, 3), dtype=np.uint8)
    with open(os.path.join(OUT, "run_image.png"), "wb") as f:
        f.write(png_rgb(pixels))
    chw = np.transpose(pixels.astype(np.float32) / 255.0, (2, 0, 1))[None]
    output = model.predict(chw, verbose=0).astype(np.float32)
    np.save(os.path.join(OUT, "run_image.output.npy"), output)
    print("run_image.output.npy", output.shape, output.ravel()[:5])


if __name__ == "__main__":
    main()
