/** MobileNet (Howard et al. 2017) as keras.applications builds it: width `alpha`, `depth_multiplier`. */
export const MOBILENET = `
def mobilenet_stem(x, filters, alpha):
    x = layers.Conv2D(int(filters * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2), name="conv1")(x)
    x = layers.BatchNormalization(axis=channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def separable_block(x, filters, alpha, depth_multiplier, stride, block):
    if stride == 1:
        padding = "same"
    else:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block}")(x)
        padding = "valid"
    x = layers.DepthwiseConv2D((3, 3), padding=padding, depth_multiplier=depth_multiplier, strides=(stride, stride), use_bias=False, name=f"conv_dw_{block}")(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=f"conv_dw_{block}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block}_relu")(x)
    x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1), name=f"conv_pw_{block}")(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=f"conv_pw_{block}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block}_relu")(x)


# (pointwise filters, stride) of blocks 1 to 13.
MOBILENET_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    refuse_imagenet_classes(weights, include_top, classes)
    default_size = 224
    if input_shape is not None:
        rows, cols = rows_cols(input_shape)
        if rows == cols and rows in (128, 160, 192, 224):
            default_size = rows
    input_shape = settle_input_shape(input_shape, default_size, 32, include_top, weights)
    rows, cols = rows_cols(input_shape)
    if weights == "imagenet":
        refuse(depth_multiplier != 1, f"If imagenet weights are being loaded, depth multiplier must be 1.  Received depth_multiplier={depth_multiplier}")
        refuse(alpha not in (0.25, 0.50, 0.75, 1.0), f"If imagenet weights are being loaded, alpha can be one of\`0.25\`, \`0.50\`, \`0.75\` or \`1.0\` only.  Received alpha={alpha}")
        if rows != cols or rows not in (128, 160, 192, 224):
            rows = 224
    img_input = image_input(input_tensor, input_shape)
    x = mobilenet_stem(img_input, 32, alpha)
    for block, (filters, stride) in enumerate(MOBILENET_BLOCKS):
        x = separable_block(x, filters, alpha, depth_multiplier, stride, block + 1)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    alpha_text = "2_5"
    if alpha == 1.0:
        alpha_text = "1_0"
    elif alpha == 0.75:
        alpha_text = "7_5"
    elif alpha == 0.50:
        alpha_text = "5_0"
    return with_pretrained(keras.Model(model_inputs(input_tensor, img_input), x, name=name), weights, include_top, f"mobilenet_{alpha_text}_{rows}_tf.h5", f"mobilenet_{alpha_text}_{rows}_tf_no_top.h5")
`;
