"""A DeepLab-v3-style segmentation head: Atrous Spatial Pyramid Pooling with dilation rates 6/12/18."""
import keras
from keras import layers

IMAGE_SIZE = 256
NUM_CLASSES = 21


def conv_bn_relu(x, filters, kernel_size=3, strides=1, dilation_rate=1, name=None):
    x = layers.Conv2D(filters, kernel_size, strides=strides, dilation_rate=dilation_rate,
                      padding="same", use_bias=False, name=name)(x)
    x = layers.BatchNormalization(name=name + "_bn")(x)
    return layers.ReLU(name=name + "_relu")(x)


def backbone(x):
    """A small strided encoder with output stride 16."""
    for i, filters in enumerate([32, 64, 128, 256]):
        x = conv_bn_relu(x, filters, strides=2, name=f"enc{i}_down")
        x = conv_bn_relu(x, filters, name=f"enc{i}_conv")
    return x


def aspp(x, filters=256, rates=(6, 12, 18)):
    size = x.shape[1]
    branches = [conv_bn_relu(x, filters, kernel_size=1, name="aspp_1x1")]
    for rate in rates:
        branches.append(conv_bn_relu(x, filters, dilation_rate=rate, name=f"aspp_rate{rate}"))
    pooled = layers.GlobalAveragePooling2D(keepdims=True, name="aspp_image_pool")(x)
    pooled = conv_bn_relu(pooled, filters, kernel_size=1, name="aspp_pool_conv")
    pooled = layers.UpSampling2D(size=(size, size), interpolation="bilinear", name="aspp_pool_up")(pooled)
    branches.append(pooled)
    y = layers.Concatenate(name="aspp_concat")(branches)
    return conv_bn_relu(y, filters, kernel_size=1, name="aspp_project")


inputs = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 3))
features = aspp(backbone(inputs))
logits = layers.Conv2D(NUM_CLASSES, 1, name="classifier")(features)
outputs = layers.UpSampling2D(size=16, interpolation="bilinear", name="upsample_logits")(logits)
model = keras.Model(inputs, outputs, name="deeplab_aspp")
