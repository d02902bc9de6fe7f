"""The Digits lab after a reload mid-run: the interrupted run offered back. Glue only.

While a run trains, ``app.labs.digits.run`` keeps it in the browser at each epoch's
end (``app.labs.digits.history.save_progress``). On the next load the keeper
(``app.runs.in_progress``) keeps a run that never ended in "Your runs" as
"interrupted" and offers it beside the Train button. Continue training puts its
settings back into the form, its weights back as "your network" (the pad and the
model list read with them at once), and trains on in the worker from the saved
epoch: the worker replays the shuffles of the epochs done (``Trainer.fast_forward``),
so the run goes on with the same training images in the same order, as if it had
never stopped; when it ends, its record in "Your runs" is updated.
"""

from __future__ import annotations

import math

from app.labs.digits import controls, form, models
from app.labs.digits.history import keeper
from app.labs.digits.state import lab, state
from app.runs import history_panel as run_history_panel
from nnfs.runs.in_progress import SavedRun
from nnfs.runs.remote import unpack_into


def setup() -> None:
    """Fill the offer's slot; offer a run a previous page left unfinished (the history panel is built)."""
    keeper.build(continue_run, describe)


def describe(saved: SavedRun) -> str:
    """The offer, in plain words: what was cut off, where it is kept, what Continue does."""
    r = saved.record
    epochs = r.settings.get("epochs")
    acc = r.last("test_acc")
    score = f", when it read {100 * acc:.2f} % of the test digits right" if math.isfinite(acc) else ""
    goal = f" to epoch {epochs}" if epochs is not None else ""
    return (
        f"Your last run was cut off at epoch {saved.epoch}{score}: the page was closed or reloaded while it trained. "
        f"It is kept in “Your runs” below as “{r.name}”, ended “interrupted”. Continue training puts its weights "
        f"back as your network and trains on from epoch {saved.epoch}{goal} with the same settings and the same "
        "order of training images, as if it had never stopped. Dismiss leaves it in Your runs."
    )


async def continue_run(saved: SavedRun) -> None:
    """Continue training: the saved run's settings, its weights as your network, then train on."""
    if state.training():
        keeper.offer(saved)
        keeper.say("A run is training now: stop it first, then press Continue training.", "bad")
        return
    problem = run_history_panel.rerun(lab, saved.record, form.settings_changed)
    try:
        if problem:
            raise ValueError(problem)
        config = form.config()
        net = config.build_network()
        if tuple(net.sizes) != saved.sizes:
            raise ValueError(f"the settings make a {list(net.sizes)} network; the weights are {list(saved.sizes)}")
    except ValueError as e:
        keeper.dismiss()
        keeper.say(f"The interrupted run cannot go on ({e}); it stays in “Your runs”.", "bad")
        return
    unpack_into(net, saved.weights)
    net.meta = {
        "trained_in": "the browser (Digits lab, training worker)",
        **config.meta(),
        "epochs_trained": saved.epoch,
    }
    state.models["trained"] = net
    state.model_names["trained"] = f"your network (epoch {saved.epoch})"
    state.position = f"epoch {saved.epoch}"
    models.set_active("trained")  # the pad and the results read with the saved weights at once
    keeper.say(f"Continuing “{saved.record.name}” from epoch {saved.epoch}: the images load, then training goes on.")
    await controls.start(config, saved)
