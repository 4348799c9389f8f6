"""One Conv2D instance applied twice (two branches), the branches merged with Add."""
import keras
from keras import layers

inputs = keras.Input(shape=(16, 16, 3), name="image")
stem = layers.Conv2D(4, 3, padding="same", name="stem")(inputs)
shared = layers.Conv2D(4, 3, padding="same", name="shared_conv")
left = shared(stem)
right = shared(layers.ReLU(name="right_relu")(stem))
x = layers.Add(name="merge")([left, right])
x = layers.GlobalAveragePooling2D(name="pool")(x)
outputs = layers.Dense(3, name="head")(x)
model = keras.Model(inputs, outputs, name="shared_layer")
