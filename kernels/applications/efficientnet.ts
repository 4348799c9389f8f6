/** EfficientNetB0 to B7 (Tan & Le 2019) as keras.applications builds them. */
export const EFFICIENTNET = `
import math

CONV_INIT = keras.initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="truncated_normal")
DENSE_INIT = keras.initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_out", distribution="uniform")
LETTERS = "abcdefghijklmnopqrstuvwxyz"

# Per stage of B0: (kernel, repeats, filters in, filters out, expansion, stride); every block has
# squeeze-excite 0.25 and an identity skip where shapes allow.
B0_STAGES = ((3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
             (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1))

IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)


def mbconv(inputs, activation, drop_rate, name, filters_in, filters_out, kernel_size, strides, expand_ratio, se_ratio):
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False, kernel_initializer=CONV_INIT, name=name + "expand_conv")(x)
        x = layers.BatchNormalization(axis=bn_axis(), name=name + "expand_bn")(x)
        x = layers.Activation(activation, name=name + "expand_activation")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(padding=padding_for_stride2(x, kernel_size), name=name + "dwconv_pad")(x)
        padding = "valid"
    else:
        padding = "same"
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding=padding, use_bias=False, depthwise_initializer=CONV_INIT, name=name + "dwconv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), name=name + "bn")(x)
    x = layers.Activation(activation, name=name + "activation")(x)
    if 0 < se_ratio <= 1:
        se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
        se = layers.Reshape((filters, 1, 1) if bn_axis() == 1 else (1, 1, filters), name=name + "se_reshape")(se)
        se = layers.Conv2D(max(1, int(filters_in * se_ratio)), 1, padding="same", activation=activation, kernel_initializer=CONV_INIT, name=name + "se_reduce")(se)
        se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", kernel_initializer=CONV_INIT, name=name + "se_expand")(se)
        x = layers.multiply([x, se], name=name + "se_excite")
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False, kernel_initializer=CONV_INIT, name=name + "project_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), name=name + "project_bn")(x)
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
        x = layers.add([x, inputs], name=name + "add")
    return x


def efficientnet(width, depth, default_size, dropout_rate, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, drop_connect_rate=0.2, activation="swish"):
    refuse(weights == "imagenet" and include_top and classes != 1000,
           'If using \`weights="imagenet"\` with \`include_top\` as true, \`classes\` should be 1000')
    input_shape = settle_input_shape(input_shape, default_size, 32, include_top, weights)
    img_input = image_input(input_tensor, input_shape)

    def round_filters(filters):
        return make_divisible(filters * width, 8)

    def round_repeats(repeats):
        return int(math.ceil(depth * repeats))

    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=bn_axis())(x)
    if weights == "imagenet":
        x = layers.Rescaling([1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=padding_for_stride2(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False, kernel_initializer=CONV_INIT, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    total = float(sum(round_repeats(stage[1]) for stage in B0_STAGES))
    b = 0
    for i, (kernel, repeats, f_in, f_out, expansion, stride) in enumerate(B0_STAGES):
        f_in = round_filters(f_in)
        f_out = round_filters(f_out)
        for j in range(round_repeats(repeats)):
            x = mbconv(x, activation, drop_connect_rate * b / total, f"block{i + 1}{LETTERS[j]}_",
                       f_out if j > 0 else f_in, f_out, kernel, 1 if j > 0 else stride, expansion, 0.25)
            b += 1
    x = layers.Conv2D(round_filters(1280), 1, padding="same", use_bias=False, kernel_initializer=CONV_INIT, name="top_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_INIT, name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    return with_pretrained(keras.Model(model_inputs(input_tensor, img_input), x, name=name), weights, include_top, name + ".h5", name + "_notop.h5")


def EfficientNetB0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb0"):
    return efficientnet(1.0, 1.0, 224, 0.2, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb1"):
    return efficientnet(1.0, 1.1, 240, 0.2, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb2"):
    return efficientnet(1.1, 1.2, 260, 0.3, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb3"):
    return efficientnet(1.2, 1.4, 300, 0.3, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB4(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb4"):
    return efficientnet(1.4, 1.8, 380, 0.4, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB5(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb5"):
    return efficientnet(1.6, 2.2, 456, 0.4, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB6(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb6"):
    return efficientnet(1.8, 2.6, 528, 0.5, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def EfficientNetB7(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="efficientnetb7"):
    return efficientnet(2.0, 3.1, 600, 0.5, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)
`;
