"""Shape-changing keras.ops functions between layers: reshape, transpose, expand_dims, squeeze,
mean/sum/max/min/prod/var/std/logsumexp with axis and keepdims, concatenate and stack; and the
elementwise exp, abs, square, sqrt and negative."""
import keras
from keras import layers, ops

inputs = keras.Input(shape=(4, 6, 8))
x = ops.reshape(inputs, (-1, 6, 32))
x = ops.transpose(x, (0, 2, 1))
x = ops.expand_dims(x, -1)
x = ops.squeeze(x, axis=-1)
x = layers.Dense(5, name="dense")(x)
m = ops.mean(x, axis=1, keepdims=True)
s = ops.sum(x, axis=1, keepdims=True)
hi = ops.max(x, axis=-2, keepdims=True)
lo = ops.min(x, axis=1, keepdims=True)
p = ops.prod(ops.tanh(x), axis=1, keepdims=True)
v = ops.var(x, axis=1, keepdims=True)
sd = ops.std(x, axis=1, keepdims=True)
lse = ops.logsumexp(x, axis=1, keepdims=True)
e = ops.negative(ops.sqrt(ops.square(ops.abs(ops.exp(lse)))))
x = ops.concatenate([m, s, hi, lo, p, v, sd, lse, e], axis=1)
x = ops.stack([x, ops.tanh(x)], axis=1)
x = ops.mean(x, axis=(1, 2))
outputs = layers.Dense(3, name="head")(x)
model = keras.Model(inputs, outputs, name="tensor_ops")
