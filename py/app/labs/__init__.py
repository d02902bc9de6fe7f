"""app.labs."""
