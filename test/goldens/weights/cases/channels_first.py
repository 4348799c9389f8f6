"""The common vision layers under channels_first, set globally (and one explicitly): convolutions,
pooling, upsampling, padding, cropping, BatchNormalization and Normalization over axis 1, a
concatenation over channels, a squeeze-excite reshape, global pooling, Flatten and a Dense head.
The global format is set back at the end: the layers keep the one they were made with."""
import keras
from keras import layers

keras.config.set_image_data_format("channels_first")
inputs = keras.Input(shape=(3, 12, 16))
x = layers.Normalization(axis=1, mean=[0.1, 0.2, 0.3], variance=[0.5, 1.5, 2.0], name="normalize")(inputs)
x = layers.Conv2D(8, 3, strides=2, padding="same", name="stem")(x)
x = layers.BatchNormalization(axis=1, name="bn")(x)
x = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, name="depthwise")(x)
x = layers.SeparableConv2D(12, 3, padding="same", name="separable")(x)
se = layers.GlobalAveragePooling2D(name="squeeze")(x)
se = layers.Reshape((12, 1, 1), name="se_reshape")(se)
x = layers.multiply([x, layers.Conv2D(12, 1, activation="sigmoid", name="excite")(se)], name="scale")
y = layers.MaxPooling2D(2, name="max_pool")(x)
y = layers.Conv2DTranspose(6, 3, strides=2, padding="same", name="transposed")(y)
z = layers.AveragePooling2D(3, strides=1, padding="same", name="avg_pool")(x)
z = layers.ZeroPadding2D(((1, 0), (0, 1)), name="pad")(z)
z = layers.Cropping2D(((0, 1), (1, 0)), name="crop")(z)
x = layers.Concatenate(axis=1, name="concat")([y, z])
x = layers.UpSampling2D(2, interpolation="bilinear", name="up")(x)
x = layers.Conv2D(4, 3, data_format="channels_first", name="explicit")(x)
g = layers.GlobalMaxPooling2D(name="global_max")(x)
f = layers.Flatten(name="flatten")(layers.MaxPooling2D(4, name="shrink")(x))
outputs = layers.Dense(5, name="head")(layers.Concatenate(name="features")([g, f]))
model = keras.Model(inputs, outputs, name="channels_first")
keras.config.set_image_data_format("channels_last")
