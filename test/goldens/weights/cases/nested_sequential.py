"""A Sequential conv block used as a layer of a functional model, and a Sequential nested inside
another Sequential."""
import keras
from keras import layers

conv_block = keras.Sequential(
    [
        layers.Conv2D(8, 3, padding="same", use_bias=False, name="block_conv"),
        layers.BatchNormalization(name="block_bn"),
        layers.ReLU(name="block_relu"),
    ],
    name="conv_block",
)

inner = keras.Sequential(
    [
        layers.Conv2D(8, 3, padding="same", name="inner_conv"),
        layers.BatchNormalization(name="inner_bn"),
    ],
    name="inner",
)
outer = keras.Sequential(
    [
        inner,
        layers.ReLU(name="outer_relu"),
        layers.Conv2D(6, 1, name="outer_conv"),
    ],
    name="outer",
)

inputs = keras.Input(shape=(16, 16, 3), name="image")
x = conv_block(inputs)
x = outer(x)
x = layers.GlobalAveragePooling2D(name="pool")(x)
outputs = layers.Dense(3, name="head")(x)
model = keras.Model(inputs, outputs, name="nested_sequential")
