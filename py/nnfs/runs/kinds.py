"""Every kind of training session, registered: import this before making a ``Sessions``.

``nnfs.runs.remote`` knows no lab; each lab's core module registers the sessions it
trains in the worker when it is imported. The training worker (``worker.trainer``)
and the page's fallback (``app.runs.worker_client``) import this one module, so both
know the same kinds, and a lab that adds one is listed here once.
"""

from nnfs.labs import chapter3, digits, universality
from nnfs.labs.backprop import learning_speed
from nnfs.labs.chapter6 import session as chapter6
from nnfs.labs.exercises import learner_trainer
from nnfs.labs.playground import session as playground

# The modules whose import registered the kinds (named, so the import is plainly used).
LABS = (playground, universality, learning_speed, digits, chapter3, chapter6, learner_trainer)
