"""One package per lab: ``__init__.py`` declares it (``LAB``), ``lab.py`` wires it to the page,
``view.py`` and the like draw it without touching the page (tested in CPython).
A lab imports the shell, the ui, the runs and the core; never another lab."""
