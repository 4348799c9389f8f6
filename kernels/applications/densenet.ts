/** DenseNet121/169/201 (Huang et al. 2017) as keras.applications builds them. */
export const DENSENET = `
def dense_layer(x, growth, name):
    y = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_0_bn")(x)
    y = layers.Activation("relu", name=name + "_0_relu")(y)
    y = layers.Conv2D(4 * growth, 1, use_bias=False, name=name + "_1_conv")(y)
    y = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_1_bn")(y)
    y = layers.Activation("relu", name=name + "_1_relu")(y)
    y = layers.Conv2D(growth, 3, padding="same", use_bias=False, name=name + "_2_conv")(y)
    return layers.Concatenate(axis=bn_axis(), name=name + "_concat")([x, y])


def transition(x, compression, name):
    x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_bn")(x)
    x = layers.Activation("relu", name=name + "_relu")(x)
    x = layers.Conv2D(int(x.shape[bn_axis()] * compression), 1, use_bias=False, name=name + "_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def densenet(blocks, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
    refuse_channels_first("DenseNet")
    refuse(weights == "imagenet" and include_top and classes != 1000,
           'If using \`weights\` as \`"imagenet"\` with \`include_top\` as true, \`classes\` should be 1000')
    input_shape = settle_input_shape(input_shape, 224, 32, include_top, weights)
    img_input = image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks):
        for i in range(count):
            x = dense_layer(x, 32, f"conv{stage + 2}_block{i + 1}")
        if stage < 3:
            x = transition(x, 0.5, f"pool{stage + 2}")
    x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    return keras.Model(model_inputs(input_tensor, img_input), x, name=name)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="densenet121"):
    return with_pretrained(densenet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "densenet121_weights_tf_dim_ordering_tf_kernels.h5", "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5")


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="densenet169"):
    return with_pretrained(densenet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "densenet169_weights_tf_dim_ordering_tf_kernels.h5", "densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5")


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="densenet201"):
    return with_pretrained(densenet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "densenet201_weights_tf_dim_ordering_tf_kernels.h5", "densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5")
`;
