/**
 * ConvNeXt Tiny, Small, Base, Large and XLarge (Liu et al. 2022) as keras.applications builds
 * them: the stem and each downsampling step are nested Sequential models, built (as Keras builds
 * a Sequential on its first call) on an InputLayer of their own.
 */
export const CONVNEXT = `
from keras.applications.convnext import LayerScale

CONVNEXT_CONFIGS = {
    "tiny": ((3, 3, 9, 3), (96, 192, 384, 768)),
    "small": ((3, 3, 27, 3), (96, 192, 384, 768)),
    "base": ((3, 3, 27, 3), (128, 256, 512, 1024)),
    "large": ((3, 3, 27, 3), (192, 384, 768, 1536)),
    "xlarge": ((3, 3, 27, 3), (256, 512, 1024, 2048)),
}


def convnext_block(inputs, dim, name):
    x = layers.Conv2D(filters=dim, kernel_size=7, padding="same", groups=dim, name=name + "_depthwise_conv")(inputs)
    x = layers.LayerNormalization(epsilon=1e-6, name=name + "_layernorm")(x)
    x = layers.Dense(4 * dim, name=name + "_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=name + "_gelu")(x)
    x = layers.Dense(dim, name=name + "_pointwise_conv_2")(x)
    x = LayerScale(1e-6, dim, name=name + "_layer_scale")(x)
    identity = layers.Activation("linear", name=name + "_identity")
    return operation("add", inputs, identity(x))


def nested_sequential(x, members, name):
    # Keras builds a Sequential on its first call: an InputLayer of the tensor's shape, then its layers.
    model = keras.Sequential([keras.Input(batch_shape=x.shape)] + members, name=name)
    return model(x)


def convnext(size, name, include_preprocessing, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation):
    refuse_channels_first("ConvNeXt")
    depths, dims = CONVNEXT_CONFIGS[size]
    refuse(weights == "imagenet" and include_top and classes != 1000,
           f'If using \`weights="imagenet"\` with \`include_top=True\`, \`classes\` should be 1000. Received classes={classes}')
    input_shape = settle_input_shape(input_shape, 224, 32, include_top, weights)
    img_input = image_input(input_tensor, input_shape)
    if input_tensor is not None:
        inputs = source_inputs(input_tensor)[0]
        x = input_tensor
    else:
        inputs = img_input
        x = img_input
    if include_preprocessing and input_shape[2] == 3:
        x = layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255], variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
                                 name=name + "_prestem_normalization")(x)
    stem = [
        layers.Conv2D(dims[0], kernel_size=4, strides=4, name=name + "_stem_conv"),
        layers.LayerNormalization(epsilon=1e-6, name=name + "_stem_layernorm"),
    ]
    downsampling = [
        [
            layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
            layers.Conv2D(dims[i + 1], kernel_size=2, strides=2, name=f"{name}_downsampling_conv_{i}"),
        ]
        for i in range(3)
    ]
    for i in range(4):
        if i == 0:
            x = nested_sequential(x, stem, name + "_stem")
        else:
            x = nested_sequential(x, downsampling[i - 1], f"{name}_downsampling_block_{i - 1}")
        for j in range(depths[i]):
            x = convnext_block(x, dims[i], f"{name}_stage_{i}_block_{j}")
    if include_top:
        check_classifier_activation(classifier_activation, weights)
        x = layers.GlobalAveragePooling2D(name=name + "_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=name + "_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=name + "_head_dense")(x)
    else:
        x = pooled(x, pooling)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    refuse(weights == "imagenet" and ("convnext_" + size) not in name,
           f'Model name "{name}" does not match weights variant "convnext_{size}". When using imagenet weights, model name must contain the weights variant (e.g., "convnext_{size}").')
    return with_pretrained(keras.Model(inputs=inputs, outputs=x, name=name), weights, include_top, name + ".h5", name + "_notop.h5")


def ConvNeXtTiny(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_tiny"):
    return convnext("tiny", name, include_preprocessing, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def ConvNeXtSmall(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_small"):
    return convnext("small", name, include_preprocessing, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def ConvNeXtBase(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_base"):
    return convnext("base", name, include_preprocessing, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def ConvNeXtLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_large"):
    return convnext("large", name, include_preprocessing, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)


def ConvNeXtXLarge(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="convnext_xlarge"):
    return convnext("xlarge", name, include_preprocessing, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation)
`;
