"""keras.ops image functions between convolutions: depth_to_space, image.resize (bilinear,
nearest, bicubic, crop_to_aspect_ratio) and space_to_depth."""
import keras
from keras import layers, ops

inputs = keras.Input(shape=(5, 6, 3))
x = layers.Conv2D(8, 3, padding="same", name="conv_a")(inputs)
x = ops.depth_to_space(x, 2)
x = ops.image.resize(x, (7, 9))
x = ops.image.resize(x, (12, 8), interpolation="nearest")
x = ops.space_to_depth(x, 2)
x = layers.Conv2D(4, 3, name="conv_b")(x)
x = ops.image.resize(x, (6, 4), interpolation="bicubic")
x = ops.image.resize(x, (3, 3), crop_to_aspect_ratio=True)
outputs = layers.Flatten(name="flatten")(x)
model = keras.Model(inputs, outputs, name="image_ops")
