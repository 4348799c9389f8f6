"""A small ResNet written as a subclassed keras.Model with a custom residual Layer."""
import keras
from keras import layers


class ResidualBlock(layers.Layer):
    def __init__(self, filters, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)
        self.bn1 = layers.BatchNormalization()
        self.conv2 = layers.Conv2D(filters, 3, padding="same", use_bias=False)
        self.bn2 = layers.BatchNormalization()
        self.project = None
        if strides != 1:
            self.project = layers.Conv2D(filters, 1, strides=strides, use_bias=False)

    def call(self, inputs):
        x = keras.activations.relu(self.bn1(self.conv1(inputs)))
        x = self.bn2(self.conv2(x))
        shortcut = inputs if self.project is None else self.project(inputs)
        return layers.ReLU()(layers.add([x, shortcut]))


# convlens: input_shape=(64, 64, 3)
class TinyResNet(keras.Model):
    def __init__(self, num_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.stem = layers.Conv2D(32, 3, padding="same", name="stem")
        self.blocks = [ResidualBlock(32), ResidualBlock(64, strides=2), ResidualBlock(128, strides=2)]
        self.pool = layers.GlobalAveragePooling2D()
        self.head = layers.Dense(num_classes, activation="softmax")

    def call(self, inputs, training=False):
        x = self.stem(inputs)
        for block in self.blocks:
            x = block(x)
        return self.head(self.pool(x))


model = TinyResNet(name="tiny_resnet")
