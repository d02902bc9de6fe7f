"""app.labs.universality."""
