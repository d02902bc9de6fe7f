"""nnfs.neurons."""
