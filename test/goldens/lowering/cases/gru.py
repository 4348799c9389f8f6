"""GRU: reset_after=True (Keras 3's default, two bias rows), reset_after=False, go_backwards,
no bias, and non-default activations."""
import keras
from keras import layers

inputs = keras.Input(shape=(6, 4))
x = layers.GRU(6, return_sequences=True, name="reset_after")(inputs)
x = layers.GRU(5, reset_after=False, return_sequences=True, go_backwards=True, name="reset_before_backwards")(x)
x = layers.GRU(4, use_bias=False, return_sequences=True, name="no_bias")(x)
outputs = layers.GRU(3, activation="softsign", recurrent_activation="hard_sigmoid", go_backwards=True, name="softsign_last")(x)
model = keras.Model(inputs, outputs, name="gru")
