"""app.labs.chapter3."""
