import keras

model = keras.applications.MobileNet(alpha=0.25, input_shape=(96, 96, 3), include_top=False, weights="imagenet")
