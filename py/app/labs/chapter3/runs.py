"""The Chapter 3 lab's MNIST experiments (overfitting and L2, weight initialisation, the
learning rate), trained in the training worker and drawn live. Glue only.

One button starts an experiment's two or three runs (``app.labs.chapter3.view.experiment_configs``:
the book's settings, varied by the learner's). Each run is a 'chapter3' session in the
worker (``nnfs.runs.remote`` / ``nnfs.labs.chapter3``); the page asks the runs in turn for
``BUDGET`` seconds of training each, so their curves grow side by side, and draws them
with the shared runs chart (``app.runs.chart``). The page's own thread only draws.

Beside one chart per experiment (``view.BOOK_CHART``) the book's own curves
(``nnfs.labs.chapter3.book``) are drawn on ``#c3-PREFIX-KIND-book`` with the same value axis.
Accuracy charts start zoomed to the data (as the book's figures are); ``#c3-PREFIX-zoom``
switches between that and the full 0-100 %.

Test hooks on ``#c3-PREFIX-panel``: data-state (idle, loading, running, stopped, done,
failed), data-launches (Runs pressed so far), data-runs (JSON: per run its label, config,
the whole history, final, ended), data-wall-seconds (from the button to the last run's end,
loading excluded), data-zoom ("data" or "full"); each canvas's data-series (``app.runs.chart``).
"""

from __future__ import annotations

import asyncio
import json
import math
import time

import js

from app.labs.chapter3 import view
from app.runs import chart as runs_chart
from app.runs import chart_view as runs_view
from app.runs.worker_client import client
from app.ui import dom
from app.ui.canvas import Canvas
from app.ui.text import error_text
from nnfs.data import mnist
from nnfs.labs.chapter3 import EXPERIMENTS

BUDGET = 0.1  # seconds of training per worker call (Stop acts within one per run)
SPLITS = ("train", "validation", "test")  # what the worker's load_mnist fetches (shared with Digits)
FIRST_EPOCH = {"acc": 0, "cost": 1}  # the first epoch each kind of chart shows at full range


class RunMirror:
    """The page's copy of one run in the worker."""

    def __init__(self, label: str, config):
        self.label, self.config = label, config
        self.sid: int | None = None
        self.history: dict[str, list] = {}
        self.final = None
        self.ended: dict | None = None

    def update(self, p: dict) -> None:
        if p["since"] == 0:
            self.history = {k: list(v) for k, v in p["history"].items()}
        else:
            for k, v in p["history"].items():
                self.history.setdefault(k, []).extend(v)
        self.final = p.get("final")
        if p.get("ended") is not None:
            self.ended = p["ended"]

    @property
    def length(self) -> int:
        return len(self.history.get("epoch", []))

    def hook(self) -> dict:
        return {
            "label": self.label,
            "config": self.config.to_dict(),
            "history": self.history,
            "final": self.final,
            "ended": self.ended,
            "test_rows": self.config.test_rows,
        }


class Runner:
    """One experiment's runs, its button, status, charts and hooks."""

    def __init__(self, lab, name: str):
        self.lab, self.name = lab, name
        self.prefix = f"c3-{view.PREFIX[name]}"
        self.runs: list[RunMirror] = []
        self.token = 0
        self.running = False
        self.started = 0.0
        self.launches = 0  # Runs pressed (a test waits for the next one's end)
        self.charts = {kind: Canvas(f"{self.prefix}-{kind}") for kind, _ in view.CHARTS[name]}
        self.book_kind = view.BOOK_CHART[name]
        self.book_chart = Canvas(f"{self.prefix}-{self.book_kind}-book")
        self.zoomed = True  # accuracy charts start zoomed to the data, as the book's figures are
        self.zoomable = any(kind in view.ZOOMABLE for kind, _ in view.CHARTS[name])
        dom.on(f"{self.prefix}-run", "click", self.clicked)
        if self.zoomable:
            dom.on(f"{self.prefix}-zoom", "click", lambda _e: self.toggle_zoom())
        dom.set_text(f"{self.prefix}-book-caption", view.book_caption(name))
        self.draw()

    def toggle_zoom(self) -> None:
        """The zoom button: the accuracy axes zoomed to the data, or the full 0-100 %."""
        self.zoomed = not self.zoomed
        self.draw()

    # --- controls -------------------------------------------------------------------
    def clicked(self, _event=None) -> None:
        if self.running:
            self.stop("Stopped: the curves so far stay. Run starts the runs again from their first epoch.")
            return
        try:
            configs = view.experiment_configs(self.name, self.lab.values)
        except ValueError as e:
            self.status(f"These settings cannot run: {e}", "bad")
            return
        self.token += 1
        token = self.token
        self.launches += 1
        self.lab.publish(f"{self.prefix}-panel", launches=self.launches, state="loading")
        self._drop()
        self.runs = [RunMirror(view.run_label(self.name, c), c) for c in configs]
        self.running = True
        self._button("Stop")
        self.draw()
        dom.spawn(self._train(token))

    def stop(self, text: str = "") -> None:
        self.token += 1
        if self.running:
            self.running = False
            self._button("Run")
            self._state("stopped")
            if text:
                self.status(text)

    def settings_changed(self) -> None:
        if self.running:
            self.stop("Settings changed: Run starts the runs again with them.")

    # --- the work -------------------------------------------------------------------
    async def _train(self, token: int) -> None:
        try:
            self._state("loading")
            await self._load_images()
            if token != self.token:
                return
            self._state("running")
            self.started = time.perf_counter()
            for run in self.runs:
                p = await client.start({"lab": "chapter3", "config": run.config.to_dict()})
                run.sid = p["id"]
                run.update(p)
                if token != self.token:
                    return
            while token == self.token:
                live = [r for r in self.runs if r.ended is None]
                if not live:
                    break
                for run in live:
                    p = await client.run(run.sid, BUDGET, since=run.length)
                    if token != self.token:
                        return
                    run.update(p)
                self.draw()
                await asyncio.sleep(0)  # let the page answer between rounds
        except Exception as e:  # noqa: BLE001 - said where the learner looks
            if token == self.token:
                self.running = False
                self._button("Run")
                self._state("failed")
                self.status(f"The runs failed: {error_text(e)}. Press Run to try again.", "bad")
            return
        if token != self.token:
            return
        seconds = time.perf_counter() - self.started
        self.running = False
        self._button("Run")
        self.lab.publish(f"{self.prefix}-panel", wall_seconds=round(seconds, 2))
        self.draw()
        problems = [f"{r.label}: {r.ended['text']}" for r in self.runs if r.ended and r.ended.get("problem")]
        self._state("done")
        self.status(
            f"Done in {seconds:.0f} s. " + " ".join(problems) if problems else f"Done in {seconds:.0f} s.",
            "bad" if problems else "good",
        )

    async def _load_images(self) -> None:
        """The MNIST training and test images, where the training runs (as the Digits lab does)."""
        await client.ready()
        if client.in_worker:
            self.status("Loading the MNIST images into the training worker…")
            base = str(js.URL.new("./static/data/", js.document.baseURI).href)
            await client.call("load_mnist", base, ",".join(SPLITS))
            return
        from app.ui import files

        sessions = client._backend.sessions
        for split in ("train", "test"):
            if split not in sessions.mnist:
                self.status(f"Loading the MNIST {split} images…")
                data = await files.fetch_bytes("./static/data/" + mnist.SPLIT_FILES[split])
                sessions.add_mnist(split, data)

    def _drop(self) -> None:
        for run in self.runs:
            if run.sid is not None:
                dom.spawn(client.drop(run.sid))

    # --- showing --------------------------------------------------------------------
    def status(self, text: str, kind: str = "") -> None:
        el = dom.by_id(f"{self.prefix}-status")
        el.textContent = text
        el.className = f"lab-status {kind}".strip()

    def _button(self, text: str) -> None:
        dom.by_id(f"{self.prefix}-run").textContent = text

    def _state(self, state: str) -> None:
        self.lab.publish(f"{self.prefix}-panel", state=state)

    def _series(self, kind: str, keys) -> list:
        """The page's curves for one chart."""
        series = []
        zoom = self.zoomed and kind in view.ZOOMABLE
        for i, run in enumerate(self.runs):
            colour = runs_view.COLOURS[i % len(runs_view.COLOURS)]
            for key in keys:
                values = run.history.get(key)
                if not values:
                    continue
                dash, offset = view.line_style(i, key)
                # Costs from epoch 1, as the book plots them: the untrained network's cost
                # (8 to 19 here) would flatten everything after it against the axis; a zoomed
                # accuracy from epoch 1 too (the untrained network's 10 % is far below the rest).
                first = 1 if zoom else FIRST_EPOCH[kind]
                shown = [float("nan") if v is None else v for v in values[first:]]
                label = view.curve_label(run.label, key, len(keys) > 1)
                series.append(runs_view.Series(label, colour, run.history["epoch"][first:], shown, dash, offset))
        return series

    def _book_series(self) -> list:
        out = []
        for i, label, curve in view.book_curves(self.name):
            dash, offset = view.line_style(i, curve.key)
            colour = runs_view.COLOURS[i % len(runs_view.COLOURS)]
            out.append(runs_view.Series(label, colour, curve.epochs, curve.values, dash, offset))
        return out

    def _y_range(self, kind: str, series: list) -> tuple[float, float] | None:
        """One value axis for the page's chart and the book's beside it, so they compare:
        zoomed to both's data (accuracies, when zoomed), else the full 0-100 % or 0 to a
        round number above both's largest cost."""
        if kind in view.ZOOMABLE:
            return runs_view.fit_range(series, kind) if self.zoomed else (0.0, 1.0)
        top = max((v for s in series for v in s.values if v is not None and math.isfinite(v)), default=None)
        return None if top is None else (0.0, runs_view.round_top(top))

    def draw(self) -> None:
        epochs = max((r.config.training.epochs for r in self.runs), default=None)
        book = self._book_series()
        for kind, keys in view.CHARTS[self.name]:
            series = self._series(kind, keys)
            metric = "acc" if kind == "acc" else "cost"
            shared = series + book if kind == self.book_kind else series
            y_range = self._y_range(kind, shared)
            runs_chart.draw(
                self.charts[kind], series, metric, x_max=epochs, y_range=y_range, empty="Press Run to start the runs."
            )
            if kind == self.book_kind:
                book_max = max(len(c.values) for _, _, c in view.book_curves(self.name))
                runs_chart.draw(self.book_chart, book, metric, x_max=book_max, y_range=y_range)
        if self.zoomable:
            dom.set_text(f"{self.prefix}-zoom", view.zoom_text(self.zoomed))
            self.lab.publish(f"{self.prefix}-panel", zoom="data" if self.zoomed else "full")
        hooks = [r.hook() for r in self.runs]
        self.lab.publish(f"{self.prefix}-panel", runs=json.dumps(hooks))
        dom.set_text(f"{self.prefix}-measured", view.measured_text(self.name, hooks))
        if self.running and self.runs:
            done = min(max(r.length - 1, 0) for r in self.runs)
            total = self.runs[0].config.training.epochs
            elapsed = time.perf_counter() - self.started
            self.status(f"Training: epoch {done} of {total} in every run ({elapsed:.0f} s so far).")


def book_text(name: str) -> str:
    return f"The book: {EXPERIMENTS[name].book}."
