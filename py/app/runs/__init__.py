"""app.runs."""
