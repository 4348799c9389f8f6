"""A small functional model used as a layer (called on a tensor) inside another functional model."""
import keras
from keras import layers

block_in = keras.Input(shape=(16, 16, 8), name="block_in")
y = layers.Conv2D(8, 3, padding="same", use_bias=False, name="block_conv")(block_in)
y = layers.BatchNormalization(name="block_bn")(y)
y = layers.ReLU(name="block_relu")(y)
block = keras.Model(block_in, y, name="residual_free_block")

inputs = keras.Input(shape=(16, 16, 3), name="image")
x = layers.Conv2D(8, 3, padding="same", name="stem")(inputs)
x = block(x)
x = layers.Conv2D(4, 1, name="proj")(x)
x = layers.GlobalAveragePooling2D(name="pool")(x)
outputs = layers.Dense(3, name="head")(x)
model = keras.Model(inputs, outputs, name="nested_functional")
