/** EfficientNetV2 B0-B3, S, M, L (Tan & Le 2021) as keras.applications builds them. */
export const EFFICIENTNET_V2 = `
import math

CONV_INIT = keras.initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="truncated_normal")
DENSE_INIT = keras.initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_out", distribution="uniform")
LETTERS = "abcdefghijklmnopqrstuvwxyz"

# Per stage: (kernel, repeats, filters in, filters out, expansion, squeeze-excite, stride, fused).
B_STAGES = ((3, 1, 32, 16, 1, 0, 1, True), (3, 2, 16, 32, 4, 0, 2, True), (3, 2, 32, 48, 4, 0, 2, True),
            (3, 3, 48, 96, 4, 0.25, 2, False), (3, 5, 96, 112, 6, 0.25, 1, False), (3, 8, 112, 192, 6, 0.25, 2, False))
V2_STAGES = {
    "efficientnetv2-b0": B_STAGES,
    "efficientnetv2-b1": B_STAGES,
    "efficientnetv2-b2": B_STAGES,
    "efficientnetv2-b3": B_STAGES,
    "efficientnetv2-s": ((3, 2, 24, 24, 1, 0, 1, True), (3, 4, 24, 48, 4, 0, 2, True), (3, 4, 48, 64, 4, 0, 2, True),
                         (3, 6, 64, 128, 4, 0.25, 2, False), (3, 9, 128, 160, 6, 0.25, 1, False), (3, 15, 160, 256, 6, 0.25, 2, False)),
    "efficientnetv2-m": ((3, 3, 24, 24, 1, 0, 1, True), (3, 5, 24, 48, 4, 0, 2, True), (3, 5, 48, 80, 4, 0, 2, True),
                         (3, 7, 80, 160, 4, 0.25, 2, False), (3, 14, 160, 176, 6, 0.25, 1, False), (3, 18, 176, 304, 6, 0.25, 2, False),
                         (3, 5, 304, 512, 6, 0.25, 1, False)),
    "efficientnetv2-l": ((3, 4, 32, 32, 1, 0, 1, True), (3, 7, 32, 64, 4, 0, 2, True), (3, 7, 64, 96, 4, 0, 2, True),
                         (3, 10, 96, 192, 4, 0.25, 2, False), (3, 19, 192, 224, 6, 0.25, 1, False), (3, 25, 224, 384, 6, 0.25, 2, False),
                         (3, 7, 384, 640, 6, 0.25, 1, False)),
}


def round_width(filters, width):
    return max(8, int(filters * width + 4) // 8 * 8)


def v2_block(x, fused, filters_in, filters_out, expand_ratio, kernel_size, strides, se_ratio, drop_rate, activation, name):
    inputs = x
    filters = filters_in * expand_ratio
    if expand_ratio != 1:
        if fused:
            x = layers.Conv2D(filters, kernel_size=kernel_size, strides=strides, kernel_initializer=CONV_INIT, padding="same", use_bias=False, name=name + "expand_conv")(x)
        else:
            x = layers.Conv2D(filters=filters, kernel_size=1, strides=1, kernel_initializer=CONV_INIT, padding="same", use_bias=False, name=name + "expand_conv")(x)
        x = layers.BatchNormalization(axis=bn_axis(), momentum=0.9, name=name + "expand_bn")(x)
        x = layers.Activation(activation, name=name + "expand_activation")(x)
    if not fused:
        x = layers.DepthwiseConv2D(kernel_size=kernel_size, strides=strides, depthwise_initializer=CONV_INIT, padding="same", use_bias=False, name=name + "dwconv2")(x)
        x = layers.BatchNormalization(axis=bn_axis(), momentum=0.9, name=name + "bn")(x)
        x = layers.Activation(activation, name=name + "activation")(x)
    if 0 < se_ratio <= 1:
        se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
        se = layers.Reshape((filters, 1, 1) if bn_axis() == 1 else (1, 1, filters), name=name + "se_reshape")(se)
        se = layers.Conv2D(max(1, int(filters_in * se_ratio)), 1, padding="same", activation=activation, kernel_initializer=CONV_INIT, name=name + "se_reduce")(se)
        se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", kernel_initializer=CONV_INIT, name=name + "se_expand")(se)
        x = layers.multiply([x, se], name=name + "se_excite")
    # Without an expansion, the fused block's only convolution is this one.
    single = fused and expand_ratio == 1
    x = layers.Conv2D(filters_out, kernel_size=kernel_size if single else 1, strides=strides if single else 1, kernel_initializer=CONV_INIT, padding="same", use_bias=False, name=name + "project_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), momentum=0.9, name=name + "project_bn")(x)
    if fused and expand_ratio == 1:
        x = layers.Activation(activation, name=name + "project_activation")(x)
    if strides == 1 and filters_in == filters_out:
        if drop_rate:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
        x = layers.add([x, inputs], name=name + "add")
    return x


def efficientnet_v2(width, depth, default_size, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing, dropout_rate=0.2, drop_connect_rate=0.2, activation="swish"):
    refuse(name not in V2_STAGES, f"KeyError: {name!r}: EfficientNetV2 picks its blocks by the model's name, one of {', '.join(V2_STAGES.keys())}")
    stages = V2_STAGES[name]
    refuse(weights == "imagenet" and include_top and classes != 1000,
           'If using \`weights="imagenet"\` with \`include_top\` as true, \`classes\` should be 1000')
    input_shape = settle_input_shape(input_shape, default_size, 32, include_top, weights)
    img_input = image_input(input_tensor, input_shape)
    x = img_input
    if include_preprocessing:
        if name.split("-")[-1].startswith("b") and input_shape[bn_axis() - 1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2], axis=bn_axis())(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    x = layers.Conv2D(filters=round_width(stages[0][2], width), kernel_size=3, strides=2, kernel_initializer=CONV_INIT, padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), momentum=0.9, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    total = float(sum(stage[1] for stage in stages))
    b = 0
    for i, (kernel, repeats, f_in, f_out, expansion, se, stride, fused) in enumerate(stages):
        f_in = round_width(f_in, width)
        f_out = round_width(f_out, width)
        for j in range(int(math.ceil(depth * repeats))):
            x = v2_block(x, fused, f_out if j > 0 else f_in, f_out, expansion, kernel, 1 if j > 0 else stride, se,
                         drop_connect_rate * b / total, activation, f"block{i + 1}{LETTERS[j]}_")
            b += 1
    x = layers.Conv2D(filters=round_width(1280, width), kernel_size=1, strides=1, kernel_initializer=CONV_INIT, padding="same", use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), momentum=0.9, name="top_bn")(x)
    x = layers.Activation(activation=activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_INIT, bias_initializer=keras.initializers.Constant(0.0), name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    return with_pretrained(keras.Model(model_inputs(input_tensor, img_input), x, name=name), weights, include_top, name + ".h5", name + "_notop.h5")


def EfficientNetV2B0(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-b0"):
    return efficientnet_v2(1.0, 1.0, 224, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2B1(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-b1"):
    return efficientnet_v2(1.0, 1.1, 240, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2B2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-b2"):
    return efficientnet_v2(1.1, 1.2, 260, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2B3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-b3"):
    return efficientnet_v2(1.2, 1.4, 300, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2S(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-s"):
    return efficientnet_v2(1.0, 1.0, 384, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2M(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-m"):
    return efficientnet_v2(1.0, 1.0, 480, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)


def EfficientNetV2L(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True, name="efficientnetv2-l"):
    return efficientnet_v2(1.0, 1.0, 480, name, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, include_preprocessing)
`;
