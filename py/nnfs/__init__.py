"""nnfs: neural networks from scratch, the pure core.

Python + numpy only. Nothing here imports ``pyscript`` or ``js``: the same
modules run in CPython (where they are tested) and in the page (through
PyScript/Pyodide), and the browser glue in ``py/app`` calls them.
"""
