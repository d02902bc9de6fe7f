"""app.labs.gates."""
