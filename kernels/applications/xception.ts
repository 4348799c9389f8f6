/** Xception (Chollet 2017) as keras.applications builds it: entry, 8 middle and exit flows. */
export const XCEPTION = `
def sepconv_bn(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=channel_axis(), name=name + "_bn")(x)


def strided_shortcut(x, filters):
    # Unnamed in Keras: these take the automatic conv2d / batch_normalization names.
    shortcut = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=channel_axis())(shortcut)


def entry_block(x, filters, block, relu_first=True):
    shortcut = strided_shortcut(x, filters)
    prefix = f"block{block}_"
    if relu_first:
        x = layers.Activation("relu", name=prefix + "sepconv1_act")(x)
    x = sepconv_bn(x, filters, prefix + "sepconv1")
    x = layers.Activation("relu", name=prefix + "sepconv2_act")(x)
    x = sepconv_bn(x, filters, prefix + "sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=prefix + "pool")(x)
    return layers.add([x, shortcut])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    refuse_imagenet_classes(weights, include_top, classes)
    input_shape = settle_input_shape(input_shape, 299, 71, include_top, weights)
    img_input = image_input(input_tensor, input_shape)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=channel_axis(), name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=channel_axis(), name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = entry_block(x, 128, 2, relu_first=False)
    x = entry_block(x, 256, 3)
    x = entry_block(x, 728, 4)
    for block in range(5, 13):
        shortcut = x
        for i in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{i}_act")(x)
            x = sepconv_bn(x, 728, f"block{block}_sepconv{i}")
        x = layers.add([x, shortcut])
    shortcut = strided_shortcut(x, 1024)
    x = layers.Activation("relu", name="block13_sepconv1_act")(x)
    x = sepconv_bn(x, 728, "block13_sepconv1")
    x = layers.Activation("relu", name="block13_sepconv2_act")(x)
    x = sepconv_bn(x, 1024, "block13_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block13_pool")(x)
    x = layers.add([x, shortcut])
    x = sepconv_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = sepconv_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return with_pretrained(keras.Model(model_inputs(input_tensor, img_input), x, name=name), weights, include_top, "xception_weights_tf_dim_ordering_tf_kernels.h5", "xception_weights_tf_dim_ordering_tf_kernels_notop.h5")
`;
