/** InceptionV3 (Szegedy et al. 2016) as keras.applications builds it; its conv units are unnamed. */
export const INCEPTION_V3 = `
def conv_bn_relu(x, filters, rows, cols, padding="same", strides=(1, 1)):
    x = layers.Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(axis=bn_axis(), scale=False)(x)
    return layers.Activation("relu")(x)


def avg_pool_branch(x, filters):
    y = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv_bn_relu(y, filters, 1, 1)


def module_35(x, pool_filters, name):
    b1 = conv_bn_relu(x, 64, 1, 1)
    b5 = conv_bn_relu(x, 48, 1, 1)
    b5 = conv_bn_relu(b5, 64, 5, 5)
    b3 = conv_bn_relu(x, 64, 1, 1)
    b3 = conv_bn_relu(b3, 96, 3, 3)
    b3 = conv_bn_relu(b3, 96, 3, 3)
    bp = avg_pool_branch(x, pool_filters)
    return layers.concatenate([b1, b5, b3, bp], axis=bn_axis(), name=name)


def module_17(x, width, name):
    b1 = conv_bn_relu(x, 192, 1, 1)
    b7 = conv_bn_relu(x, width, 1, 1)
    b7 = conv_bn_relu(b7, width, 1, 7)
    b7 = conv_bn_relu(b7, 192, 7, 1)
    bd = conv_bn_relu(x, width, 1, 1)
    bd = conv_bn_relu(bd, width, 7, 1)
    bd = conv_bn_relu(bd, width, 1, 7)
    bd = conv_bn_relu(bd, width, 7, 1)
    bd = conv_bn_relu(bd, 192, 1, 7)
    bp = avg_pool_branch(x, 192)
    return layers.concatenate([b1, b7, bd, bp], axis=bn_axis(), name=name)


def module_8(x, i):
    b1 = conv_bn_relu(x, 320, 1, 1)
    b3 = conv_bn_relu(x, 384, 1, 1)
    b3a = conv_bn_relu(b3, 384, 1, 3)
    b3b = conv_bn_relu(b3, 384, 3, 1)
    b3 = layers.concatenate([b3a, b3b], axis=bn_axis(), name=f"mixed9_{i}")
    bd = conv_bn_relu(x, 448, 1, 1)
    bd = conv_bn_relu(bd, 384, 3, 3)
    bda = conv_bn_relu(bd, 384, 1, 3)
    bdb = conv_bn_relu(bd, 384, 3, 1)
    bd = layers.concatenate([bda, bdb], axis=bn_axis())
    bp = avg_pool_branch(x, 192)
    return layers.concatenate([b1, b3, bd, bp], axis=bn_axis(), name=f"mixed{9 + i}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="inception_v3"):
    refuse(weights == "imagenet" and include_top and classes != 1000,
           f'If using \`weights="imagenet"\` with \`include_top=True\`, \`classes\` should be 1000. Received classes={classes}')
    input_shape = settle_input_shape(input_shape, 299, 75, include_top, weights)
    img_input = image_input(input_tensor, input_shape)
    x = conv_bn_relu(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv_bn_relu(x, 32, 3, 3, padding="valid")
    x = conv_bn_relu(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv_bn_relu(x, 80, 1, 1, padding="valid")
    x = conv_bn_relu(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = module_35(x, 32, "mixed0")
    x = module_35(x, 64, "mixed1")
    x = module_35(x, 64, "mixed2")
    b3 = conv_bn_relu(x, 384, 3, 3, strides=(2, 2), padding="valid")
    bd = conv_bn_relu(x, 64, 1, 1)
    bd = conv_bn_relu(bd, 96, 3, 3)
    bd = conv_bn_relu(bd, 96, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, bd, bp], axis=bn_axis(), name="mixed3")
    x = module_17(x, 128, "mixed4")
    x = module_17(x, 160, "mixed5")
    x = module_17(x, 160, "mixed6")
    x = module_17(x, 192, "mixed7")
    b3 = conv_bn_relu(x, 192, 1, 1)
    b3 = conv_bn_relu(b3, 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv_bn_relu(x, 192, 1, 1)
    b7 = conv_bn_relu(b7, 192, 1, 7)
    b7 = conv_bn_relu(b7, 192, 7, 1)
    b7 = conv_bn_relu(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, b7, bp], axis=bn_axis(), name="mixed8")
    x = module_8(x, 0)
    x = module_8(x, 1)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return with_pretrained(keras.Model(model_inputs(input_tensor, img_input), x, name=name), weights, include_top, "inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5")
`;
