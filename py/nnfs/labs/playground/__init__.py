"""nnfs.labs.playground: lab 4's own maths (config: its settings and link; session: what it trains)."""
