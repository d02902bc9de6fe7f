"""app.labs.playground."""
