/** NASNet-A Mobile and Large (Zoph et al. 2018) as keras.applications builds them. */
export const NASNET = `
def nas_bn(x, name):
    return layers.BatchNormalization(axis=channel_axis(), momentum=0.9997, epsilon=1e-3, name=name)(x)


def relu_sepconv_twice(x, filters, kernel_size=(3, 3), strides=(1, 1), tag=None):
    x = layers.Activation("relu")(x)
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=padding_for_stride2(x, kernel_size[0]), name=f"separable_conv_1_pad_{tag}")(x)
        padding = "valid"
    else:
        padding = "same"
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides, name=f"separable_conv_1_{tag}", padding=padding, use_bias=False)(x)
    x = nas_bn(x, f"separable_conv_1_bn_{tag}")
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{tag}", padding="same", use_bias=False)(x)
    return nas_bn(x, f"separable_conv_2_bn_{tag}")


def match_previous(p, ip, filters, tag):
    # Brings the previous cell's output to this cell's size and width.
    if p is None:
        return ip
    if p.shape[2 if channels_first() else -2] != ip.shape[2 if channels_first() else -2]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{tag}")(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_1_{tag}")(p)
        p1 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False, name=f"adjust_conv_1_{tag}", kernel_initializer="he_normal")(p1)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_2_{tag}")(p2)
        p2 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False, name=f"adjust_conv_2_{tag}", kernel_initializer="he_normal")(p2)
        p = layers.concatenate([p1, p2], axis=channel_axis())
        return nas_bn(p, f"adjust_bn_{tag}")
    if channels(p) != filters:
        p = layers.Activation("relu")(p)
        p = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", name=f"adjust_conv_projection_{tag}", use_bias=False, kernel_initializer="he_normal")(p)
        return nas_bn(p, f"adjust_bn_{tag}")
    return p


def cell_input(ip, filters, kind, tag):
    h = layers.Activation("relu")(ip)
    h = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", name=f"{kind}_conv_1_{tag}", use_bias=False, kernel_initializer="he_normal")(h)
    return nas_bn(h, f"{kind}_bn_1_{tag}")


def normal_cell(ip, p, filters, tag):
    p = match_previous(p, ip, filters, tag)
    h = cell_input(ip, filters, "normal", tag)
    x1 = layers.add([relu_sepconv_twice(h, filters, (5, 5), tag=f"normal_left1_{tag}"), relu_sepconv_twice(p, filters, tag=f"normal_right1_{tag}")], name=f"normal_add_1_{tag}")
    x2 = layers.add([relu_sepconv_twice(p, filters, (5, 5), tag=f"normal_left2_{tag}"), relu_sepconv_twice(p, filters, (3, 3), tag=f"normal_right2_{tag}")], name=f"normal_add_2_{tag}")
    x3 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=f"normal_left3_{tag}")(h)
    x3 = layers.add([x3, p], name=f"normal_add_3_{tag}")
    x4a = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=f"normal_left4_{tag}")(p)
    x4b = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=f"normal_right4_{tag}")(p)
    x4 = layers.add([x4a, x4b], name=f"normal_add_4_{tag}")
    x5 = layers.add([relu_sepconv_twice(h, filters, tag=f"normal_left5_{tag}"), h], name=f"normal_add_5_{tag}")
    x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=channel_axis(), name=f"normal_concat_{tag}")
    return x, ip


def reduction_cell(ip, p, filters, tag):
    p = match_previous(p, ip, filters, tag)
    h = cell_input(ip, filters, "reduction", tag)
    h3 = layers.ZeroPadding2D(padding=padding_for_stride2(h, 3), name=f"reduction_pad_1_{tag}")(h)
    x1a = relu_sepconv_twice(h, filters, (5, 5), strides=(2, 2), tag=f"reduction_left1_{tag}")
    x1b = relu_sepconv_twice(p, filters, (7, 7), strides=(2, 2), tag=f"reduction_right1_{tag}")
    x1 = layers.add([x1a, x1b], name=f"reduction_add_1_{tag}")
    x2a = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid", name=f"reduction_left2_{tag}")(h3)
    x2b = relu_sepconv_twice(p, filters, (7, 7), strides=(2, 2), tag=f"reduction_right2_{tag}")
    x2 = layers.add([x2a, x2b], name=f"reduction_add_2_{tag}")
    x3a = layers.AveragePooling2D((3, 3), strides=(2, 2), padding="valid", name=f"reduction_left3_{tag}")(h3)
    x3b = relu_sepconv_twice(p, filters, (5, 5), strides=(2, 2), tag=f"reduction_right3_{tag}")
    x3 = layers.add([x3a, x3b], name=f"reduction_add3_{tag}")
    x4 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=f"reduction_left4_{tag}")(x1)
    x4 = layers.add([x2, x4])
    x5a = relu_sepconv_twice(x1, filters, (3, 3), tag=f"reduction_left4_{tag}")
    x5b = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid", name=f"reduction_right5_{tag}")(h3)
    x5 = layers.add([x5a, x5b], name=f"reduction_add4_{tag}")
    x = layers.concatenate([x2, x3, x4, x5], axis=channel_axis(), name=f"reduction_concat_{tag}")
    return x, ip


def nasnet(input_shape, penultimate_filters, num_blocks, stem_filters, skip_reduction, include_top, weights, input_tensor, pooling, classes, default_size, classifier_activation, name):
    refuse_channels_first("NASNet")
    refuse(weights == "imagenet" and include_top and classes != 1000,
           'If using \`weights\` as \`"imagenet"\` with \`include_top\` as true, \`classes\` should be 1000')
    refuse(isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet",
           f"When specifying the input shape of a NASNet and loading \`ImageNet\` weights, the input_shape argument must be static (no None entries). Got: \`input_shape={input_shape}\`.")
    input_shape = settle_input_shape(input_shape, default_size, 32, include_top, weights)
    img_input = image_input(input_tensor, input_shape)
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False, name="stem_conv1", kernel_initializer="he_normal")(img_input)
    x = nas_bn(x, "stem_bn1")
    p = None
    x, p = reduction_cell(x, p, filters // 4, "stem_1")
    x, p = reduction_cell(x, p, filters // 2, "stem_2")
    for stage in range(3):
        width = filters * 2 ** stage
        if stage > 0:
            x, reduced_from = reduction_cell(x, p, width, f"reduce_{stage * num_blocks}")
            if not skip_reduction:
                p = reduced_from
        for i in range(num_blocks):
            x, p = normal_cell(x, p, width, f"{stage * num_blocks + i + 1}" if stage else f"{i}")
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return keras.Model(model_inputs(input_tensor, img_input), x, name=name)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name="nasnet_mobile"):
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return with_pretrained(nasnet(input_shape, 1056, 4, 32, False, include_top, weights, input_tensor, pooling, classes, 224, classifier_activation, name), weights, include_top, "nasnet_mobile.h5", "nasnet_mobile_no_top.h5")


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name="nasnet_large"):
    return with_pretrained(nasnet(input_shape, 4032, 6, 96, True, include_top, weights, input_tensor, pooling, classes, 331, classifier_activation, name), weights, include_top, "nasnet_large.h5", "nasnet_large_no_top.h5")
`;
