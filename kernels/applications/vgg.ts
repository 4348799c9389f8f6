/** VGG16 and VGG19 (Simonyan & Zisserman 2014) as keras.applications builds them. */
export const VGG = `
def vgg(convs_per_block, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
    refuse_imagenet_classes(weights, include_top, classes)
    input_shape = settle_input_shape(input_shape, 224, 32, include_top, weights)
    img_input = image_input(input_tensor, input_shape)
    x = img_input
    for block, (convs, filters) in enumerate(zip(convs_per_block, (64, 128, 256, 512, 512))):
        for i in range(convs):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block + 1}_conv{i + 1}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block + 1}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        check_classifier_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    return keras.Model(model_inputs(input_tensor, img_input), x, name=name)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    return with_pretrained(vgg((2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "vgg16_weights_tf_dim_ordering_tf_kernels.h5", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):
    return with_pretrained(vgg((2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name), weights, include_top, "vgg19_weights_tf_dim_ordering_tf_kernels.h5", "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5")
`;
