"""app.labs.digits."""
