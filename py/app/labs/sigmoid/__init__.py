"""app.labs.sigmoid."""
