"""nnfs.settings.table."""
