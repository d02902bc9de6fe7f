"""app.labs.perceptron."""
