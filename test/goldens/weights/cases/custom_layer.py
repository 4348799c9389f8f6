"""A Layer subclass with a Conv2D attribute, a list of sublayers and its own add_weight variable,
used inside a functional model."""
import keras
from keras import layers


@keras.saving.register_keras_serializable(package="convlens_goldens")
class ScaledConvStack(keras.layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.proj = layers.Conv2D(filters, 1, name="proj")
        self.stack = [
            layers.Conv2D(filters, 3, padding="same", name="stack_a"),
            layers.Conv2D(filters, 3, padding="same", name="stack_b"),
        ]

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(self.filters,), initializer="ones", name="scale")

    def call(self, x):
        x = self.proj(x)
        for conv in self.stack:
            x = keras.ops.relu(conv(x))
        return x * self.scale

    def get_config(self):
        config = super().get_config()
        config["filters"] = self.filters
        return config


inputs = keras.Input(shape=(16, 16, 3), name="image")
x = layers.Conv2D(6, 3, padding="same", name="stem")(inputs)
x = ScaledConvStack(8, name="scaled_stack")(x)
x = layers.GlobalAveragePooling2D(name="pool")(x)
outputs = layers.Dense(3, name="head")(x)
model = keras.Model(inputs, outputs, name="custom_layer")
