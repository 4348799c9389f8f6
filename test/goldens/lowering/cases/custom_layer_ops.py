"""keras.ops functions inside custom layers' `call`: a pixel shuffle (depth_to_space) and a
reshape to (positions, channels) followed by a mean over the positions."""
import keras
from keras import layers, ops


class PixelShuffle(layers.Layer):
    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return ops.depth_to_space(x, self.factor)


class PatchMean(layers.Layer):
    def call(self, x):
        return ops.mean(ops.reshape(x, (-1, 16, 8)), axis=[1])


inputs = keras.Input((4, 4, 3))
x = layers.Conv2D(8, 3, padding="same", name="conv_a")(inputs)
x = PixelShuffle(2, name="shuffle")(x)
x = layers.Conv2D(8, 3, strides=2, padding="same", name="conv_b")(x)
outputs = PatchMean(name="patch_mean")(x)
model = keras.Model(inputs, outputs, name="custom_layer_ops")
