"""nnfs.data."""
