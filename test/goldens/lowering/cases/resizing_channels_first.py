"""Resizing and keras.ops.image.resize on channels_first images."""
import keras
from keras import layers, ops

inputs = keras.Input(shape=(3, 6, 9))
x = layers.Resizing(8, 4, data_format="channels_first", name="resizing_cf")(inputs)
x = ops.image.resize(x, (5, 7), interpolation="nearest", data_format="channels_first")
outputs = layers.Flatten(name="flatten")(x)
model = keras.Model(inputs, outputs, name="resizing_channels_first")
