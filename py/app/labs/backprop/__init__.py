"""app.labs.backprop."""
