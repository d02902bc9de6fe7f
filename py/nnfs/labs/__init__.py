"""nnfs.labs."""
