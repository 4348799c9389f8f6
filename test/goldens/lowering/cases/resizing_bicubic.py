"""Resizing with interpolation="bicubic": up on one axis and down on the other, then down on
both (no antialiasing, Keras' default)."""
import keras
from keras import layers

inputs = keras.Input(shape=(6, 9, 3))
x = layers.Resizing(11, 5, interpolation="bicubic", name="up_down")(inputs)
x = layers.Conv2D(4, 3, padding="same", name="conv")(x)
outputs = layers.Resizing(4, 3, interpolation="bicubic", name="down")(x)
model = keras.Model(inputs, outputs, name="resizing_bicubic")
