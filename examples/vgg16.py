"""VGG16 (Simonyan & Zisserman 2014), written as keras.applications builds it."""
import keras
from keras import layers


def vgg_block(x, filters, convs, block):
    for i in range(convs):
        x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                          name=f"block{block}_conv{i + 1}")(x)
    return layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)


img_input = keras.Input(shape=(224, 224, 3))
x = img_input
for block, (filters, convs) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)], start=1):
    x = vgg_block(x, filters, convs, block)

x = layers.Flatten(name="flatten")(x)
x = layers.Dense(4096, activation="relu", name="fc1")(x)
x = layers.Dense(4096, activation="relu", name="fc2")(x)
outputs = layers.Dense(1000, activation="softmax", name="predictions")(x)

model = keras.Model(img_input, outputs, name="vgg16")
