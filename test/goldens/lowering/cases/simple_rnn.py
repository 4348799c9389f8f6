"""SimpleRNN in a Sequential model: tanh sequence, relu backwards sequence, linear last step
without bias."""
import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(8, 3)),
        layers.SimpleRNN(5, return_sequences=True),
        layers.SimpleRNN(4, activation="relu", return_sequences=True, go_backwards=True),
        layers.SimpleRNN(3, activation="linear", use_bias=False),
        layers.Dense(2),
    ],
    name="simple_rnn",
)
