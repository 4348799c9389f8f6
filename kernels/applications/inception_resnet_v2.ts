/** InceptionResNetV2 (Szegedy et al. 2017) as keras.applications builds it. */
export const INCEPTION_RESNET_V2 = `
from keras.applications.inception_resnet_v2 import CustomScaleLayer


def unit(x, filters, kernel_size, strides=1, padding="same", activation="relu", use_bias=False, name=None):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=bn_axis(), scale=False, name=None if name is None else name + "_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else name + "_ac")(x)
    return x


def residual_block(x, scale, kind, index, activation="relu"):
    if kind == "block35":
        b0 = unit(x, 32, 1)
        b1 = unit(x, 32, 1)
        b1 = unit(b1, 32, 3)
        b2 = unit(x, 32, 1)
        b2 = unit(b2, 48, 3)
        b2 = unit(b2, 64, 3)
        branches = [b0, b1, b2]
    elif kind == "block17":
        b0 = unit(x, 192, 1)
        b1 = unit(x, 128, 1)
        b1 = unit(b1, 160, [1, 7])
        b1 = unit(b1, 192, [7, 1])
        branches = [b0, b1]
    else:
        b0 = unit(x, 192, 1)
        b1 = unit(x, 192, 1)
        b1 = unit(b1, 224, [1, 3])
        b1 = unit(b1, 256, [3, 1])
        branches = [b0, b1]
    name = f"{kind}_{index}"
    mixed = layers.Concatenate(axis=bn_axis(), name=name + "_mixed")(branches)
    up = unit(mixed, channels(x), 1, activation=None, use_bias=True, name=name + "_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=name + "_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="inception_resnet_v2"):
    refuse(weights == "imagenet" and include_top and classes != 1000,
           f'If using \`weights="imagenet"\` with \`include_top=True\`, \`classes\` should be 1000. Received classes={classes}')
    input_shape = settle_input_shape(input_shape, 299, 75, include_top, weights)
    img_input = image_input(input_tensor, input_shape)
    x = unit(img_input, 32, 3, strides=2, padding="valid")
    x = unit(x, 32, 3, padding="valid")
    x = unit(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = unit(x, 80, 1, padding="valid")
    x = unit(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    b0 = unit(x, 96, 1)
    b1 = unit(x, 48, 1)
    b1 = unit(b1, 64, 5)
    b2 = unit(x, 64, 1)
    b2 = unit(b2, 96, 3)
    b2 = unit(b2, 96, 3)
    bp = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    bp = unit(bp, 64, 1)
    x = layers.Concatenate(axis=bn_axis(), name="mixed_5b")([b0, b1, b2, bp])
    for i in range(1, 11):
        x = residual_block(x, 0.17, "block35", i)
    b0 = unit(x, 384, 3, strides=2, padding="valid")
    b1 = unit(x, 256, 1)
    b1 = unit(b1, 256, 3)
    b1 = unit(b1, 384, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=bn_axis(), name="mixed_6a")([b0, b1, bp])
    for i in range(1, 21):
        x = residual_block(x, 0.1, "block17", i)
    b0 = unit(x, 256, 1)
    b0 = unit(b0, 384, 3, strides=2, padding="valid")
    b1 = unit(x, 256, 1)
    b1 = unit(b1, 288, 3, strides=2, padding="valid")
    b2 = unit(x, 256, 1)
    b2 = unit(b2, 288, 3)
    b2 = unit(b2, 320, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=bn_axis(), name="mixed_7a")([b0, b1, b2, bp])
    for i in range(1, 10):
        x = residual_block(x, 0.2, "block8", i)
    x = residual_block(x, 1.0, "block8", 10, activation=None)
    x = unit(x, 1536, 1, name="conv_7b")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return with_pretrained(keras.Model(model_inputs(input_tensor, img_input), x, name=name), weights, include_top, "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5", "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5")
`;
