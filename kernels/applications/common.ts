/**
 * Python shared by the keras.applications definitions ConvLens' tracer runs: how an application
 * settles its input shape and input tensor, what it refuses, and its pooling head. Written for
 * ConvLens from Keras' documented behaviour. The image data format is Keras' global one
 * (`keras.config.image_data_format()`, which the traced source may set): channels_last by default.
 *
 * `refuse(condition, message)` stops the application with Keras' error when `condition` is known
 * to be true; `operation("add" | "multiply", x, y)` is Keras' `x + y` / `x * y` on tensors (an
 * operation, not a layer); `is_keras_tensor`, `source_inputs` and `activation_name` are given by
 * the tracer (extension/engine/trace/applications.ts).
 */
export const COMMON = `
import keras
from keras import layers

def channels_first():
    return keras.config.image_data_format() == "channels_first"


def channel_axis():
    return 1 if channels_first() else -1


def bn_axis():
    # The same axis as channel_axis(), written the way most applications name it.
    return 1 if channels_first() else 3


def channels(x):
    return x.shape[channel_axis()]


def rows_cols(shape):
    # Height and width of an image shape without its batch axis.
    if channels_first():
        return shape[1], shape[2]
    return shape[0], shape[1]


def image_shape(rows, cols, channels):
    if channels_first():
        return (channels, rows, cols)
    return (rows, cols, channels)


def refuse_channels_first(family):
    refuse(channels_first(), f"{family} does not support the \`channels_first\` image data format. Switch to \`channels_last\` by editing your local config file at ~/.keras/keras.json")


def settle_input_shape(input_shape, default_size, min_size, require_flatten, weights):
    channels = 3
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first() else input_shape[-1]
    default_shape = image_shape(default_size, default_size, channels)
    if weights == "imagenet" and require_flatten:
        refuse(input_shape is not None and input_shape != default_shape,
               f"When setting \`include_top=True\` and loading \`imagenet\` weights, \`input_shape\` should be {default_shape}.  Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        refuse(len(input_shape) != 3, "\`input_shape\` must be a tuple of three integers.")
        given_channels = input_shape[0] if channels_first() else input_shape[-1]
        refuse(given_channels != 3 and weights == "imagenet",
               f"The input must have 3 channels; Received \`input_shape={input_shape}\`")
        rows, cols = rows_cols(input_shape)
        refuse((rows is not None and rows < min_size) or (cols is not None and cols < min_size),
               f"Input size must be at least {min_size}x{min_size}; Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = image_shape(None, None, 3)
    refuse(require_flatten and None in input_shape,
           f"If \`include_top\` is True, you should specify a static \`input_shape\`. Received: input_shape={input_shape}")
    return input_shape


def image_input(input_tensor, input_shape):
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if is_keras_tensor(input_tensor):
        return input_tensor
    return layers.Input(tensor=input_tensor, shape=input_shape)


def model_inputs(input_tensor, img_input):
    if input_tensor is None:
        return img_input
    return source_inputs(input_tensor)


def refuse_imagenet_classes(weights, include_top, classes):
    refuse(weights == "imagenet" and include_top and classes != 1000,
           f"If using \`weights='imagenet'\` with \`include_top=True\`, \`classes\` should be 1000.  Received classes={classes}")


def check_classifier_activation(classifier_activation, weights):
    name = activation_name(classifier_activation)
    refuse(weights is not None and name not in ("softmax", "linear"),
           f"Only \`None\` and \`softmax\` activations are allowed for the \`classifier_activation\` argument when using pretrained weights, with \`include_top=True\`; Received: classifier_activation=<function {name}>")


def with_pretrained(model, weights, include_top, top_file, notop_file):
    # keras.applications loads imagenet weights from its cache under this file name,
    # and any other weights= string with model.load_weights(path).
    if weights == "imagenet":
        if include_top:
            pretrained_file(model, top_file)
        else:
            pretrained_file(model, notop_file)
    elif weights is not None:
        weights_file(model, weights)
    return model


def pooled(x, pooling, avg_name=None, max_name=None):
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def padding_for_stride2(x, kernel_size):
    rows, cols = rows_cols(x.shape[1:])
    if rows is None:
        odd = (0, 0)
    else:
        odd = (rows % 2, cols % 2)
    half = kernel_size // 2
    return ((half - 1 + odd[0], half), (half - 1 + odd[1], half))
`;

/** Shared by the MobileNets: channel counts rounded to a multiple of `divisor`, never 10% below. */
export const DIVISIBLE = `

def make_divisible(v, divisor=8, min_value=None):
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * v:
        rounded += divisor
    return rounded
`;
