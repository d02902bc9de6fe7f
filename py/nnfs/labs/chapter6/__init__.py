"""The Chapter 6 lab's core: the book's ladder of convolutional nets (``ladder``) and the
training worker's convnet runs (``session``)."""
