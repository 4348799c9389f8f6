/** MobileNetV2 (Sandler et al. 2018) as keras.applications builds it: inverted residuals, width `alpha`. */
export const MOBILENET_V2 = `
def inverted_residual(inputs, expansion, stride, alpha, filters, block):
    in_channels = channels(inputs)
    out_channels = make_divisible(int(filters * alpha), 8)
    x = inputs
    if block:
        prefix = f"block_{block}_"
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None, name=prefix + "expand")(x)
        x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=prefix + "expand_BN")(x)
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=padding_for_stride2(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False, padding="same" if stride == 1 else "valid", name=prefix + "depthwise")(x)
    x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=prefix + "depthwise_BN")(x)
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(out_channels, kernel_size=1, padding="same", use_bias=False, activation=None, name=prefix + "project")(x)
    x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=prefix + "project_BN")(x)
    if in_channels == out_channels and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


# (filters, stride, expansion) of blocks 0 to 16.
MOBILENET_V2_BLOCKS = (
    (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6),
    (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
)

MOBILENET_V2_SIZES = (96, 128, 160, 192, 224)


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    refuse(weights == "imagenet" and include_top and classes != 1000,
           f'If using \`weights="imagenet"\` with \`include_top\` as true, \`classes\` should be 1000. Received \`classes={classes}\`')
    if input_shape is not None and input_tensor is not None:
        refuse(is_keras_tensor(input_tensor) == False, f"input_tensor is not a Keras tensor; Received \`input_tensor={input_tensor}\`")
        if channels_first():
            refuse(is_keras_tensor(input_tensor) and input_tensor.shape[1] != input_shape[1],
                   f"input_shape[1] must equal shape(input_tensor)[1] when \`image_data_format\` is \`channels_first\`; Received \`input_tensor.shape={input_tensor.shape}\`, \`input_shape={input_shape}\`")
        else:
            refuse(is_keras_tensor(input_tensor) and input_tensor.shape[2] != input_shape[1],
                   f"input_tensor.shape[2] must equal input_shape[1]; Received \`input_tensor.shape={input_tensor.shape}\`, \`input_shape={input_shape}\`")
    # The size pretrained weights are looked up by, when the shape asks for one Keras has.
    given = input_shape
    if given is None and input_tensor is not None and is_keras_tensor(input_tensor):
        given = input_tensor.shape[1:]
    default_size = 224
    if given is not None:
        given_rows, given_cols = rows_cols(given)
        if given_rows == given_cols and given_rows in MOBILENET_V2_SIZES:
            default_size = given_rows
    input_shape = settle_input_shape(input_shape, default_size, 32, include_top, weights)
    rows, cols = rows_cols(input_shape)
    if weights == "imagenet":
        refuse(alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4),
               f"If imagenet weights are being loaded, alpha must be one of \`0.35\`, \`0.50\`, \`0.75\`, \`1.0\`, \`1.3\` or \`1.4\` only; Received \`alpha={alpha}\`")
        if rows != cols or rows not in MOBILENET_V2_SIZES:
            rows = 224
    img_input = image_input(input_tensor, input_shape)
    x = layers.Conv2D(make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="Conv1")(img_input)
    x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block, (filters, stride, expansion) in enumerate(MOBILENET_V2_BLOCKS):
        x = inverted_residual(x, filters=filters, alpha=alpha, stride=stride, expansion=expansion, block=block)
    last_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    return with_pretrained(keras.Model(model_inputs(input_tensor, img_input), x, name=name), weights, include_top, f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}.h5", f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}_no_top.h5")
`;
