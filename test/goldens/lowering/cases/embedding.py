"""Embedding on float indices (Keras casts them to int), a mask_zero one that Flatten and Dense
ignore, and an Embedding feeding a GRU."""
import keras
from keras import layers

inputs = keras.Input(shape=(6,))
a = layers.Embedding(20, 4, name="table")(inputs)
a = layers.GRU(3, name="gru")(a)
b = layers.Embedding(20, 3, mask_zero=True, name="masked_table")(inputs)
b = layers.Flatten(name="flatten")(b)
b = layers.Dense(3, name="dense")(b)
outputs = layers.Concatenate(name="join")([a, b])
model = keras.Model(inputs, outputs, name="embedding")
