"""A small MobileNet-v1-like stack in which every layer has an explicit name."""
import keras
from keras import layers

inputs = keras.Input(shape=(16, 16, 3), name="image")
x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False, name="stem_conv")(inputs)
x = layers.BatchNormalization(name="stem_bn")(x)
x = layers.ReLU(name="stem_relu")(x)

x = layers.DepthwiseConv2D(3, padding="same", use_bias=False, name="dw1")(x)
x = layers.BatchNormalization(name="dw1_bn")(x)
x = layers.ReLU(name="dw1_relu")(x)
x = layers.Conv2D(16, 1, use_bias=False, name="pw1")(x)
x = layers.BatchNormalization(name="pw1_bn")(x)
x = layers.ReLU(name="pw1_relu")(x)

x = layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False, name="dw2")(x)
x = layers.BatchNormalization(name="dw2_bn")(x)
x = layers.ReLU(name="dw2_relu")(x)
x = layers.Conv2D(24, 1, use_bias=False, name="pw2")(x)
x = layers.BatchNormalization(name="pw2_bn")(x)
x = layers.ReLU(name="pw2_relu")(x)

x = layers.GlobalAveragePooling2D(name="gap")(x)
outputs = layers.Dense(5, activation="softmax", name="classifier")(x)
model = keras.Model(inputs, outputs, name="tiny_mobilenet")
