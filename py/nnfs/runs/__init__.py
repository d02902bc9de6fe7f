"""nnfs.runs."""
