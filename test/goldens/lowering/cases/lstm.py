"""LSTM: a sequence layer, a backwards one (last step), a bias-free one, and non-default
activations (relu, hard_sigmoid)."""
import keras
from keras import layers

inputs = keras.Input(shape=(7, 5))
x = layers.LSTM(6, return_sequences=True, name="seq")(inputs)
x = layers.LSTM(5, return_sequences=True, go_backwards=True, use_bias=False, name="backwards_seq")(x)
x = layers.LSTM(4, activation="relu", recurrent_activation="hard_sigmoid", return_sequences=True, name="relu_hard_sigmoid")(x)
outputs = layers.LSTM(3, go_backwards=True, name="backwards_last")(x)
model = keras.Model(inputs, outputs, name="lstm")
