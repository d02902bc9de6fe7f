"""nnfs.labs.backprop."""
