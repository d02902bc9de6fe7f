"""app.shell."""
