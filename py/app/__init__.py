"""app: the browser glue. One module per lab, plus shared DOM and canvas helpers.

These modules import ``pyscript``/``js`` and only run in the page. They read
controls, call the pure core in ``nnfs`` and draw; no maths lives here.
"""
