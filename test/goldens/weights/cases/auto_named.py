"""No explicit names at all: Keras names the layers conv2d, conv2d_1, ..., conv2d_10, conv2d_11."""
import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(12, 12, 3)),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.Conv2D(4, 3, padding="same"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(3),
    ]
)
