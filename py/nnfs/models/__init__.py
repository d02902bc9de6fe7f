"""nnfs.models."""
