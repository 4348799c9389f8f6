"""Resizing that keeps the aspect ratio: a centred crop to it, and a pad to it with fill_value."""
import keras
from keras import layers

inputs = keras.Input(shape=(6, 9, 2))
a = layers.Resizing(5, 5, crop_to_aspect_ratio=True, name="crop")(inputs)
a = layers.Flatten(name="flat_a")(a)
b = layers.Resizing(4, 3, pad_to_aspect_ratio=True, fill_value=0.5, name="pad_rows")(inputs)
b = layers.Flatten(name="flat_b")(b)
c = layers.Resizing(3, 8, pad_to_aspect_ratio=True, interpolation="nearest", name="pad_cols")(inputs)
c = layers.Flatten(name="flat_c")(c)
outputs = layers.Concatenate(name="join")([a, b, c])
model = keras.Model(inputs, outputs, name="resizing_aspect")
