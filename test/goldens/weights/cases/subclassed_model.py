"""A keras.Model subclass; its attributes are assigned in a non-alphabetical order
(conv_a, bn, conv_b, pool, head). Note: in Keras 3 `model.build(shape)` on a subclassed model
without its own build() only marks it built (UserWarning) and creates no variables; the golden
generator then calls the model once on zeros of that shape to create them."""
import keras
from keras import layers


@keras.saving.register_keras_serializable(package="convlens_goldens")
class Net(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv_a = layers.Conv2D(8, 3, padding="same", use_bias=False)
        self.bn = layers.BatchNormalization()
        self.conv_b = layers.Conv2D(6, 3, strides=2, padding="same")
        self.pool = layers.GlobalAveragePooling2D()
        self.head = layers.Dense(3)

    def call(self, x):
        x = self.conv_a(x)
        x = keras.ops.relu(self.bn(x))
        x = self.conv_b(x)
        x = self.pool(x)
        return self.head(x)


model = Net(name="net")
model.build((None, 16, 16, 3))
