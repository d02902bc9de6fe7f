"""nnfs.labs.exercises."""
