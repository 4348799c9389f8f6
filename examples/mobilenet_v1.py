"""MobileNet v1 (Howard et al. 2017), alpha=1.0, as keras.applications.MobileNet builds it."""
import keras
from keras import layers


def conv_block(inputs, filters, kernel=(3, 3), strides=(1, 1)):
    x = layers.Conv2D(filters, kernel, padding="same", use_bias=False, strides=strides, name="conv1")(inputs)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def depthwise_conv_block(inputs, pointwise_filters, depth_multiplier=1, strides=(1, 1), block_id=1):
    if strides == (1, 1):
        x = inputs
    else:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="conv_pad_%d" % block_id)(inputs)
    x = layers.DepthwiseConv2D(
        (3, 3),
        padding="same" if strides == (1, 1) else "valid",
        depth_multiplier=depth_multiplier,
        strides=strides,
        use_bias=False,
        name="conv_dw_%d" % block_id,
    )(x)
    x = layers.BatchNormalization(name="conv_dw_%d_bn" % block_id)(x)
    x = layers.ReLU(6.0, name="conv_dw_%d_relu" % block_id)(x)
    x = layers.Conv2D(pointwise_filters, (1, 1), padding="same", use_bias=False, strides=(1, 1),
                      name="conv_pw_%d" % block_id)(x)
    x = layers.BatchNormalization(name="conv_pw_%d_bn" % block_id)(x)
    return layers.ReLU(6.0, name="conv_pw_%d_relu" % block_id)(x)


classes = 1000
img_input = keras.Input(shape=(224, 224, 3))
x = conv_block(img_input, 32, strides=(2, 2))
# (pointwise filters, stride) of the 13 depthwise separable blocks
plan = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
for block_id, (filters, stride) in enumerate(plan, start=1):
    x = depthwise_conv_block(x, filters, strides=(stride, stride), block_id=block_id)

x = layers.GlobalAveragePooling2D(keepdims=True)(x)
x = layers.Dropout(1e-3, name="dropout")(x)
x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
x = layers.Reshape((classes,), name="reshape_2")(x)
outputs = layers.Activation("softmax", name="predictions")(x)

model = keras.Model(img_input, outputs, name="mobilenet_1.00_224")
