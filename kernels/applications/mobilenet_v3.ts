/**
 * MobileNetV3Small and MobileNetV3Large (Howard et al. 2019) as keras.applications builds them:
 * hard-swish, squeeze-excite with a hard sigmoid, `minimalistic`, `include_preprocessing`.
 */
export const MOBILENET_V3 = `
def relu(x):
    return layers.ReLU()(x)


def hard_sigmoid(x):
    relu6 = layers.ReLU(6.0)
    return operation("multiply", relu6(operation("add", x, 3.0)), 1.0 / 6.0)


def hard_swish(x):
    return layers.Activation("hard_swish")(x)


def squeeze_excite(inputs, filters, ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True, name=prefix + "squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(make_divisible(filters * ratio), kernel_size=1, padding="same", name=prefix + "squeeze_excite_conv")(x)
    x = layers.ReLU(name=prefix + "squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", name=prefix + "squeeze_excite_conv_1")(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=prefix + "squeeze_excite_mul")([inputs, x])


def bottleneck(x, expansion, filters, kernel_size, stride, se_ratio, activation, block):
    shortcut = x
    in_channels = channels(x)
    prefix = "expanded_conv_"
    if block:
        prefix = f"expanded_conv_{block}_"
        x = layers.Conv2D(make_divisible(in_channels * expansion), kernel_size=1, padding="same", use_bias=False, name=prefix + "expand")(x)
        x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=prefix + "expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=padding_for_stride2(x, kernel_size), name=prefix + "depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False, name=prefix + "depthwise")(x)
    x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=prefix + "depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = squeeze_excite(x, make_divisible(in_channels * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=prefix + "project")(x)
    x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=prefix + "project_bn")(x)
    if stride == 1 and in_channels == filters:
        x = layers.Add(name=prefix + "add")([shortcut, x])
    return x


# Per block: (expansion, filters, kernel, stride, squeeze-excite, activation), where a kernel of
# 0 means the model's kernel (5, or 3 when minimalistic), "se" the model's ratio (none when
# minimalistic) and "act" the model's activation (hard-swish, or ReLU when minimalistic).
SMALL_BLOCKS = (
    (1, 16, 3, 2, "se", "relu"), (72.0 / 16, 24, 3, 2, None, "relu"), (88.0 / 24, 24, 3, 1, None, "relu"),
    (4, 40, 0, 2, "se", "act"), (6, 40, 0, 1, "se", "act"), (6, 40, 0, 1, "se", "act"), (3, 48, 0, 1, "se", "act"),
    (3, 48, 0, 1, "se", "act"), (6, 96, 0, 2, "se", "act"), (6, 96, 0, 1, "se", "act"), (6, 96, 0, 1, "se", "act"),
)
LARGE_BLOCKS = (
    (1, 16, 3, 1, None, "relu"), (4, 24, 3, 2, None, "relu"), (3, 24, 3, 1, None, "relu"), (3, 40, 0, 2, "se", "relu"),
    (3, 40, 0, 1, "se", "relu"), (3, 40, 0, 1, "se", "relu"), (6, 80, 3, 2, None, "act"), (2.5, 80, 3, 1, None, "act"),
    (2.3, 80, 3, 1, None, "act"), (2.3, 80, 3, 1, None, "act"), (6, 112, 3, 1, "se", "act"), (6, 112, 3, 1, "se", "act"),
    (6, 160, 0, 2, "se", "act"), (6, 160, 0, 1, "se", "act"), (6, 160, 0, 1, "se", "act"),
)


def mobilenet_v3(blocks, last_point_ch, input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name):
    refuse(weights == "imagenet" and include_top and classes != 1000,
           f'If using \`weights="imagenet"\` with \`include_top\` as true, \`classes\` should be 1000.  Received classes={classes}')
    if input_shape is not None and input_tensor is not None:
        if channels_first():
            refuse(is_keras_tensor(input_tensor) and input_tensor.shape[1] != input_shape[1],
                   f"When backend.image_data_format()=channels_first, input_shape[1] must equal input_tensor.shape[1].  Received input_shape={input_shape}, input_tensor.shape={input_tensor.shape}")
        else:
            refuse(is_keras_tensor(input_tensor) and input_tensor.shape[2] != input_shape[1],
                   f"input_shape[1] must equal input_tensor.shape[2].  Received input_shape={input_shape}, input_tensor.shape={input_tensor.shape}")
    if input_shape is None and input_tensor is not None and is_keras_tensor(input_tensor):
        # Keras writes (cols, rows) here, the other way round.
        if channels_first():
            input_shape = (3, input_tensor.shape[3], input_tensor.shape[2])
        else:
            input_shape = (input_tensor.shape[2], input_tensor.shape[1], 3)
    if input_shape is None and input_tensor is None:
        input_shape = image_shape(None, None, 3)
    rows, cols = rows_cols(input_shape)
    refuse(rows and cols and (rows < 32 or cols < 32), f"Input size must be at least 32x32; Received \`input_shape={input_shape}\`")
    if weights == "imagenet":
        refuse((not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0),
               "If imagenet weights are being loaded, alpha can be one of \`0.75\`, \`1.0\` for non minimalistic or \`1.0\` for minimalistic only.")
    img_input = image_input(input_tensor, input_shape)
    if minimalistic:
        kernel = 3
        activation = relu
        se_ratio = None
    else:
        kernel = 5
        activation = hard_swish
        se_ratio = 0.25
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name="conv_bn")(x)
    x = activation(x)
    for i, (expansion, filters, k, stride, se, act) in enumerate(blocks):
        x = bottleneck(x, expansion, make_divisible(filters * alpha), k or kernel, stride, se_ratio if se else None, activation if act == "act" else relu, i)
    last_conv_ch = make_divisible(channels(x) * 6)
    if alpha > 1.0:
        last_point_ch = make_divisible(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name="conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    return keras.Model(model_inputs(input_tensor, img_input), x, name=name)


def mobilenet_v3_file(model_type, minimalistic, alpha):
    if minimalistic:
        model_type = model_type + "_minimalistic"
    return f"weights_mobilenet_v3_{model_type}_224_{str(alpha)}_float"


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Small"):
    return with_pretrained(mobilenet_v3(SMALL_BLOCKS, 1024, input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name), weights, include_top, mobilenet_v3_file("small", minimalistic, alpha) + ".h5", mobilenet_v3_file("small", minimalistic, alpha) + "_no_top_v2.h5")


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Large"):
    return with_pretrained(mobilenet_v3(LARGE_BLOCKS, 1280, input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name), weights, include_top, mobilenet_v3_file("large", minimalistic, alpha) + ".h5", mobilenet_v3_file("large", minimalistic, alpha) + "_no_top_v2.h5")
`;
