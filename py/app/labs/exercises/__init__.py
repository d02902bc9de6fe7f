"""app.labs.exercises."""
