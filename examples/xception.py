"""Xception (Chollet 2017), as keras.applications.Xception builds it."""
import keras
from keras import layers


def sep_bn(x, filters, name, relu_first=True):
    if relu_first:
        x = layers.Activation("relu", name=name + "_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(name=name + "_bn")(x)


def shortcut(x, filters):
    residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization()(residual)


img_input = keras.Input(shape=(299, 299, 3))

x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
x = layers.BatchNormalization(name="block1_conv1_bn")(x)
x = layers.Activation("relu", name="block1_conv1_act")(x)
x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
x = layers.BatchNormalization(name="block1_conv2_bn")(x)
x = layers.Activation("relu", name="block1_conv2_act")(x)

# Entry flow: three downsampling blocks with 1x1 strided shortcuts.
for block, filters in [(2, 128), (3, 256), (4, 728)]:
    residual = shortcut(x, filters)
    prefix = "block" + str(block)
    x = sep_bn(x, filters, prefix + "_sepconv1", relu_first=block != 2)
    if block == 2:
        x = layers.Activation("relu", name="block2_sepconv2_act")(x)
        x = sep_bn(x, filters, prefix + "_sepconv2", relu_first=False)
    else:
        x = sep_bn(x, filters, prefix + "_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=prefix + "_pool")(x)
    x = layers.add([x, residual])

# Middle flow: eight identity blocks.
for i in range(8):
    residual = x
    prefix = "block" + str(i + 5)
    for j in range(1, 4):
        x = sep_bn(x, 728, f"{prefix}_sepconv{j}")
    x = layers.add([x, residual])

# Exit flow.
residual = shortcut(x, 1024)
x = sep_bn(x, 728, "block13_sepconv1")
x = sep_bn(x, 1024, "block13_sepconv2")
x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block13_pool")(x)
x = layers.add([x, residual])

x = sep_bn(x, 1536, "block14_sepconv1", relu_first=False)
x = layers.Activation("relu", name="block14_sepconv1_act")(x)
x = sep_bn(x, 2048, "block14_sepconv2", relu_first=False)
x = layers.Activation("relu", name="block14_sepconv2_act")(x)

x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
outputs = layers.Dense(1000, activation="softmax", name="predictions")(x)

model = keras.Model(img_input, outputs, name="xception")
