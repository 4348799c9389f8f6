/**
 * ResNet50/101/152 (He et al. 2015, post-activation bottlenecks) and ResNet50V2/101V2/152V2
 * (He et al. 2016, pre-activation) as keras.applications builds them.
 */
export const RESNET = `
def bottleneck_v1(x, filters, stride=1, projection=True, name=None):
    if projection:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=name + "_2_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_3_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def stage_v1(x, filters, blocks, stride=2, name=None):
    x = bottleneck_v1(x, filters, stride=stride, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = bottleneck_v1(x, filters, projection=False, name=f"{name}_block{i}")
    return x


def bottleneck_v2(x, filters, stride=1, projection=False, name=None):
    preact = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_preact_bn")(x)
    preact = layers.Activation("relu", name=name + "_preact_relu")(preact)
    if projection:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=name + "_2_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return layers.Add(name=name + "_out")([shortcut, x])


def stage_v2(x, filters, blocks, stride=2, name=None):
    # V2 downsamples in the last block of a stage, and projects in the first.
    x = bottleneck_v2(x, filters, projection=True, name=name + "_block1")
    for i in range(2, blocks):
        x = bottleneck_v2(x, filters, name=f"{name}_block{i}")
    return bottleneck_v2(x, filters, stride=stride, name=f"{name}_block{blocks}")


def resnet(depths, preact, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
    refuse_imagenet_classes(weights, include_top, classes)
    input_shape = settle_input_shape(input_shape, 224, 32, include_top, weights)
    img_input = image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    if not preact:
        x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for i, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths)):
        if preact:
            x = stage_v2(x, filters, blocks, stride=1 if i == 3 else 2, name=f"conv{i + 2}")
        else:
            x = stage_v1(x, filters, blocks, stride=1 if i == 0 else 2, name=f"conv{i + 2}")
    if preact:
        x = layers.BatchNormalization(axis=bn_axis(), epsilon=1.001e-5, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    return keras.Model(model_inputs(input_tensor, img_input), x, name=name)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):
    return with_pretrained(resnet((3, 4, 6, 3), False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "resnet50_weights_tf_dim_ordering_tf_kernels.h5", "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5")


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet101"):
    return with_pretrained(resnet((3, 4, 23, 3), False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "resnet101_weights_tf_dim_ordering_tf_kernels.h5", "resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5")


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet152"):
    return with_pretrained(resnet((3, 8, 36, 3), False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "resnet152_weights_tf_dim_ordering_tf_kernels.h5", "resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5")


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet50v2"):
    return with_pretrained(resnet((3, 4, 6, 3), True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "resnet50v2_weights_tf_dim_ordering_tf_kernels.h5", "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet101v2"):
    return with_pretrained(resnet((3, 4, 23, 3), True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "resnet101v2_weights_tf_dim_ordering_tf_kernels.h5", "resnet101v2_weights_tf_dim_ordering_tf_kernels_notop.h5")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="resnet152v2"):
    return with_pretrained(resnet((3, 8, 36, 3), True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "resnet152v2_weights_tf_dim_ordering_tf_kernels.h5", "resnet152v2_weights_tf_dim_ordering_tf_kernels_notop.h5")
`;
