"""nnfs.maths."""
