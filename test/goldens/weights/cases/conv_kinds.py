"""One of each convolution kind (grouped, dilated, depthwise, separable, transposed), two
BatchNormalization layers and a Dense head, built with the functional API."""
import keras
from keras import layers

inputs = keras.Input(shape=(12, 12, 3))
x = layers.Conv2D(8, 3, padding="same", dilation_rate=2, name="dilated")(inputs)
x = layers.BatchNormalization(name="bn_a")(x)
x = layers.Conv2D(8, 3, padding="same", groups=2, name="grouped")(x)
x = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, name="depthwise")(x)
x = layers.SeparableConv2D(12, 3, padding="same", depth_multiplier=2, name="separable")(x)
x = layers.Conv2DTranspose(6, 3, strides=2, padding="same", name="transposed")(x)
x = layers.BatchNormalization(name="bn_b")(x)
x = layers.GlobalAveragePooling2D(name="pool")(x)
outputs = layers.Dense(4, name="head")(x)
model = keras.Model(inputs, outputs, name="conv_kinds")
