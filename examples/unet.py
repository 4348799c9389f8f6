"""U-Net (Ronneberger et al. 2015) for 128x128 RGB segmentation, with Conv2DTranspose upsampling."""
import keras
from keras import layers


def double_conv(x, filters, name):
    for i in (1, 2):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv{i}")(x)
        x = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = layers.Activation("relu", name=f"{name}_relu{i}")(x)
    return x


def build_unet(input_shape=(128, 128, 3), num_classes=3, widths=(32, 64, 128, 256)):
    inputs = keras.Input(shape=input_shape, name="image")
    skips = []
    x = inputs
    for level, filters in enumerate(widths):
        x = double_conv(x, filters, f"down{level}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"pool{level}")(x)

    x = double_conv(x, widths[-1] * 2, "bottleneck")

    for level, filters in reversed(list(enumerate(widths))):
        # Transposed conv with kernel 2 and stride 2: every output pixel gets exactly one tap.
        x = layers.Conv2DTranspose(filters, 2, strides=2, padding="same", name=f"up{level}")(x)
        x = layers.concatenate([x, skips[level]], name=f"concat{level}")
        x = double_conv(x, filters, f"dec{level}")

    outputs = layers.Conv2D(num_classes, 1, activation="softmax", name="mask")(x)
    return keras.Model(inputs, outputs, name="unet")


model = build_unet()
