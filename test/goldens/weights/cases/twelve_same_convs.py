"""Twelve same-shaped Conv2D layers named c1..c12 (alphabetical order c1, c10, c11, c12, c2, ...
differs from creation order), then pooling and a Dense head."""
import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(12, 12, 4)),
        layers.Conv2D(4, 3, padding="same", name="c1"),
        layers.Conv2D(4, 3, padding="same", name="c2"),
        layers.Conv2D(4, 3, padding="same", name="c3"),
        layers.Conv2D(4, 3, padding="same", name="c4"),
        layers.Conv2D(4, 3, padding="same", name="c5"),
        layers.Conv2D(4, 3, padding="same", name="c6"),
        layers.Conv2D(4, 3, padding="same", name="c7"),
        layers.Conv2D(4, 3, padding="same", name="c8"),
        layers.Conv2D(4, 3, padding="same", name="c9"),
        layers.Conv2D(4, 3, padding="same", name="c10"),
        layers.Conv2D(4, 3, padding="same", name="c11"),
        layers.Conv2D(4, 3, padding="same", name="c12"),
        layers.GlobalAveragePooling2D(name="pool"),
        layers.Dense(3, name="head"),
    ],
    name="twelve_same_convs",
)
