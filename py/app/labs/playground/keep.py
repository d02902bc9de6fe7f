"""The Playground's run in progress, kept in the browser as it trains. Glue only.

Every ``app.runs.in_progress.SAVE_EVERY`` seconds of a run (at a frame that
brought the worker's weights), the run's record so far, its weights and where in
the run they are go to the browser's storage (``nnfs.runs.in_progress``'s form): a
reload then keeps the run in "Your runs" as interrupted and offers to continue it
(``app.labs.playground.lab.continue_run``). A run that ends (Pause, its limit, a
problem) is kept in the history as usual, and its saved copy removed.
"""

from __future__ import annotations

import math

from app.runs import in_progress
from nnfs.labs.playground.config import SETTINGS
from nnfs.runs import in_progress as ip
from nnfs.runs.remote import pack


def batches_done(m) -> int:
    """Mini-batches of the current epoch that the run's weights have had."""
    n = len(m.data.X_train)
    return round(m.progress * -(-n // m.config.batch))


def save_progress(m, force: bool = False) -> None:
    """Keep run ``m`` (an ``app.labs.playground.run.Mirror``) as it stands, every few seconds
    (``force``: now); only once it has trained an epoch, and while its weights are numbers."""
    keeper = in_progress.keeper("playground")
    if keeper is None or m.epoch < 1 or not (force or keeper.due()) or not m.network.is_finite():
        return
    done = batches_done(m)
    where = f"epoch {m.epoch}" + (f" + {m.progress:.0%} of epoch {m.epoch + 1}" if done else "")
    text = f"Interrupted at {where}: the page was closed or reloaded."
    settings = SETTINGS.encoded(m.config.values())
    sizes = tuple(m.config.sizes)
    saved = ip.saved_run(
        "playground",
        settings,
        m.config.seed,
        m.history,
        m.train_seconds,
        sizes,
        pack(m.network),
        done,
        text,
        m.history_id,
    )
    keeper.save(saved)


def ended() -> None:
    """The run ended (its record is kept in the history): nothing is in progress any more."""
    keeper = in_progress.keeper("playground")
    if keeper is not None:
        keeper.clear()


def describe(saved: ip.SavedRun) -> str:
    """The offer, in plain words: what was cut off, where it is kept, what Continue does."""
    r = saved.record
    acc = r.last("test_acc")
    score = f" ({100 * acc:.1f} % test accuracy)" if math.isfinite(acc) else ""
    epochs = r.settings.get("epochs")
    goal = f" towards epoch {epochs}" if epochs is not None else ""
    return (
        f"Your last run was cut off at epoch {saved.epoch}{score}: the page was closed or reloaded while it trained. "
        f"It is kept in “Your runs” below as “{r.name}”, ended “interrupted”. Continue training puts its settings, "
        f"its network and its curves back and trains on{goal}, with the mini-batches it would have had. "
        "Dismiss leaves it in Your runs."
    )
