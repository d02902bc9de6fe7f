"""Universality (chapter 4): any function on [0, 1] from one hidden layer of sigmoid neurons.

The book's construction, as a ``Network`` one can build, score and train:

* **A step.** A hidden neuron σ(w x + b) with a large weight w is a step from
  0 to 1 at s = −b/w (``step_position``); ``step_weights(s)`` gives the (w, b)
  of a step at s.
* **A bump.** Two steps at s₁ < s₂ whose outputs are weighted h and −h add up
  to a bump of height h on [s₁, s₂].
* **Many bumps.** N bumps over N equal intervals of [0, 1], heights h₀..h_{N−1}:
  ``bump_network(heights)`` is the network [1, 2N, 1] that the learner builds.
  Its **weighted output** Σ wⱼaⱼ (+ the output bias, 0 here) is the output
  neuron's z (``weighted_output``), and the output is σ(z). So, as in the book,
  the weighted output should follow σ⁻¹∘f (``goal``) for the output to follow f.
* **The score**, exactly as the book's widget (nnadl_site js/chap4.js) computes
  it: the average of |σ⁻¹(f(x)) − weighted output| over the book's 100 sample
  points x = 0, 0.01, …, 0.99 (``SAMPLES``: made, as there, by adding 0.01 in
  floating point, so 0.20000000000000004 and not 0.2), a pass when it is below
  0.405, i.e. 0.40 or less when shown to two decimals (``deviation``, ``passed``).
  The book scores sample j against the height of bump ⌊j/20⌋: a sample on an
  interval's edge counts in the bump to its right. A sigmoid step is ½ exactly
  at its edge, so the steps here sit half a sample spacing (0.005) before each
  edge (``edges``; the last one just after 1): then every sample lies at least 0.005 from a step, where a
  step of steepness 10⁴ is 0 or 1 to within e⁻⁵⁰, and the network's weighted
  output at the samples is the book's piecewise-constant one.
* **Targets**: the book's f(x) = 0.2 + 0.4x² + 0.3x sin(15x) + 0.05 cos(50x),
  and seeded random smooth functions (``random_target``), all in (0, 1).
* **Gradient descent does it too**: ``Fit`` trains a [1, n, 1] network on
  samples of f with the core's ``Trainer`` (cross-entropy cost, float targets),
  in time slices like the training engine, and scores it the same way.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnfs.maths.activations import sigmoid
from nnfs.maths.network import Network
from nnfs.maths.pacing import ChunkPlanner
from nnfs.maths.rng import make_rng
from nnfs.maths.sgd import Trainer
from nnfs.maths.stops import Stop
from nnfs.runs import remote

STEEPNESS = 10_000.0  # the hidden weight w of every step the learner builds
PASS_BELOW = 0.405  # the book's test: score < 0.405 ("0.40" to two places)
PASS_SHOWN = 0.40
MAX_BUMPS = 20
SAMPLE_SPACING = 0.01


def _book_samples() -> NDArray[np.float64]:
    """x = 0, 0.01, …: the book's ``range(0, 1, 0.01)``, summed the same way (100 values)."""
    xs, x = [], 0.0
    while x <= 1.0:
        xs.append(x)
        x += SAMPLE_SPACING
    return np.array(xs)


SAMPLES = _book_samples()


# ------------------------------------------------------------------ steps and bumps


def step_position(w: float, b: float) -> float:
    """Where σ(w x + b) crosses ½: s = −b/w (w ≠ 0)."""
    if w == 0:
        raise ValueError("a neuron with w = 0 is flat: it has no step")
    return -b / w


def step_weights(s: float, steepness: float = STEEPNESS) -> tuple[float, float]:
    """(w, b) of a step at s: w = steepness, b = −w s."""
    return float(steepness), float(-steepness * s)


def neuron_output(x: ArrayLike, w: float, b: float) -> NDArray[np.float64]:
    """A hidden neuron's output σ(w x + b)."""
    return sigmoid(w * np.asarray(x, dtype=np.float64) + b)


def check_heights(heights: ArrayLike) -> NDArray[np.float64]:
    h = np.asarray(heights, dtype=np.float64).ravel()
    if not 1 <= h.size <= MAX_BUMPS:
        raise ValueError(f"the number of bumps must be 1 to {MAX_BUMPS}, got {h.size}")
    if not np.all(np.isfinite(h)):
        raise ValueError("bump heights must be finite numbers")
    return h


def edges(n: int) -> NDArray[np.float64]:
    """The n + 1 step positions of n bumps over equal intervals of [0, 1].

    Edge k of the intervals is k/n; its step sits half a sample before the
    first sample at or past k/n, so each sample falls in the bump the book
    gives it (see the module docstring). For n dividing 100 that is k/n − 0.005;
    the last edge is 1.005.
    """
    if not 1 <= int(n) <= MAX_BUMPS:
        raise ValueError(f"the number of bumps must be 1 to {MAX_BUMPS}, got {n}")
    n = int(n)
    first = np.array([-(-100 * k // n) for k in range(n + 1)], dtype=np.float64)  # ceil(100 k / n)
    e = (first - 0.5) * SAMPLE_SPACING
    # The last step goes just past 1 instead (every sample, 0.99 included, is still
    # before it), so the last bump does not drop to 0 inside the plotted [0, 1].
    e[-1] = 1.0 + SAMPLE_SPACING / 2
    return e


def bins(n: int) -> NDArray[np.intp]:
    """The bump each of the book's samples belongs to: ⌊j n / 100⌋ (⌊j/20⌋ for 5 bumps)."""
    return (np.arange(len(SAMPLES)) * int(n)) // 100


def pair_network(s1: float, s2: float, h: float, steepness: float = STEEPNESS) -> Network:
    """[1, 2, 1]: steps at s1 and s2 weighted h and −h (a bump of height h when s1 < s2)."""
    return _steps_network([s1, s2], [h, -h], steepness)


def bump_network(heights: ArrayLike, steepness: float = STEEPNESS) -> Network:
    """[1, 2N, 1]: bump k has steps at edges(N)[k] and edges(N)[k+1], weighted h_k and −h_k;
    output bias 0, so the weighted output is the sum of the bumps."""
    h = check_heights(heights)
    e = edges(h.size)
    positions = np.repeat(e, 2)[1:-1]  # e0, e1, e1, e2, ..., e_N
    weights = np.column_stack([h, -h]).ravel()  # h0, -h0, h1, -h1, ...
    return _steps_network(positions, weights, steepness)


def _steps_network(positions: ArrayLike, out_weights: ArrayLike, steepness: float) -> Network:
    positions = np.asarray(positions, dtype=np.float64)
    net = Network([1, len(positions), 1], cost="cross-entropy", seed=0)
    net.weights[0][:, 0] = steepness
    net.biases[0][:] = -steepness * positions
    net.weights[1][0, :] = np.asarray(out_weights, dtype=np.float64)
    net.biases[1][:] = 0.0
    return net


def heights_of(network: Network) -> NDArray[np.float64]:
    """The bump heights of a ``bump_network`` (its output weights h_k, −h_k)."""
    return network.weights[1][0, 0::2].copy()


def weighted_output(network: Network, x: ArrayLike) -> NDArray[np.float64]:
    """The output neuron's weighted input z = Σ wⱼaⱼ + b at each x (the output is σ(z))."""
    X = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    with np.errstate(all="ignore"):
        _, zs = network.forward(X)
    return zs[-1][:, 0]


def output(network: Network, x: ArrayLike) -> NDArray[np.float64]:
    """The network's output σ(z) at each x."""
    return network.feedforward(np.asarray(x, dtype=np.float64).reshape(-1, 1))[:, 0]


def hidden_outputs(network: Network, x: ArrayLike) -> NDArray[np.float64]:
    """Each hidden neuron's output at each x: shape (len(x), n_hidden)."""
    activations, _ = network.forward(np.asarray(x, dtype=np.float64).reshape(-1, 1))
    return activations[1]


# ------------------------------------------------------------------ targets and the score


def sigma_inverse(y: ArrayLike) -> NDArray[np.float64]:
    """σ⁻¹(y) = ln(y / (1 − y)) for y in (0, 1)."""
    y = np.asarray(y, dtype=np.float64)
    return np.log(y / (1.0 - y))


@dataclass(frozen=True)
class Target:
    """A function f on [0, 1] with values in (0, 1); ``key`` names it in links and storage."""

    key: str
    label: str
    f: Callable[[NDArray[np.float64]], NDArray[np.float64]]

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        return self.f(np.asarray(x, dtype=np.float64))

    def goal(self, x: ArrayLike) -> NDArray[np.float64]:
        """σ⁻¹(f(x)): what the weighted output must follow."""
        return sigma_inverse(self(x))


def book_f(x: ArrayLike) -> NDArray[np.float64]:
    """The book's challenge: f(x) = 0.2 + 0.4x² + 0.3x sin(15x) + 0.05 cos(50x)."""
    x = np.asarray(x, dtype=np.float64)
    return 0.2 + 0.4 * x * x + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


BOOK = Target("book", "the book's f(x) = 0.2 + 0.4x² + 0.3x sin(15x) + 0.05 cos(50x)", book_f)


def random_target(seed: int) -> Target:
    """A smooth random f from ``seed``: 0.5 + a sum of four sines (frequencies 1–4
    periods on [0, 1], amplitudes falling as 1/k), scaled so f stays in [0.12, 0.88]
    (σ⁻¹ within ±2). The same seed gives the same f everywhere."""
    seed = int(seed)
    rng = make_rng(seed)
    k = np.arange(1, 5, dtype=np.float64)
    amp = rng.standard_normal(4) / k
    phase = rng.uniform(0.0, 2 * math.pi, 4)
    grid = np.linspace(0.0, 1.0, 2001)
    peak = np.abs(np.sin(2 * math.pi * np.outer(grid, k) + phase) @ amp).max()
    scale = rng.uniform(0.25, 0.38) / max(peak, 1e-12)

    def f(x: ArrayLike) -> NDArray[np.float64]:
        x = np.asarray(x, dtype=np.float64)
        return 0.5 + scale * (np.sin(2 * math.pi * np.multiply.outer(x, k) + phase) @ amp)

    return Target(f"random-{seed}", f"random target #{seed}", f)


def target_from_key(key: str) -> Target:
    """``"book"`` or ``"random-SEED"`` (SEED a whole number 0–999999)."""
    if key == "book":
        return BOOK
    if key.startswith("random-") and key[7:].isdigit() and int(key[7:]) <= 999_999:
        return random_target(int(key[7:]))
    raise ValueError(f"unknown target {key!r} (expected 'book' or 'random-SEED')")


def deviation(network: Network, target: Target = BOOK) -> float:
    """The book's score: mean over ``SAMPLES`` of |σ⁻¹(f(x)) − weighted output|."""
    return float(np.mean(np.abs(target.goal(SAMPLES) - weighted_output(network, SAMPLES))))


def passed(score: float) -> bool:
    """The book's verdict: score < 0.405, i.e. 0.40 or below to two decimals."""
    return math.isfinite(score) and score < PASS_BELOW


def median_heights(n: int, target: Target = BOOK) -> NDArray[np.float64]:
    """Each bump's height set to the median of σ⁻¹∘f over its samples: the heights
    that minimise the score (a median minimises a mean absolute deviation)."""
    goal, which = target.goal(SAMPLES), bins(n)
    return np.array([float(np.median(goal[which == k])) for k in range(int(n))])


# ------------------------------------------------------------------ gradient descent does it

FIT_SAMPLES = 200  # training inputs: the midpoints of 200 equal cells of [0, 1]


@dataclass(frozen=True)
class FitConfig:
    target: str = "book"
    hidden: int = 10  # hidden neurons (2 per bump: 5 bumps = 10)
    epochs: int = 500
    eta: float = 2.0
    batch: int = 20
    seed: int = 1


class Fit:
    """SGD on samples of a target: a [1, hidden, 1] sigmoid network, cross-entropy
    cost (f's values are the targets, all in (0, 1)), the core's ``Trainer``.

    The hidden steps start spread over [0, 1] (neuron j at a random s in [0, 1],
    w = 20, so each is a soft step inside the interval; random N(0, 1) weights on
    x in [0, 1] would be nearly flat lines) and the output weights at 0; SGD then
    moves every weight. ``run(budget)`` trains in time slices; ``history`` has
    one entry per epoch (0 = before training): ``epoch``, ``seconds``,
    ``minibatch_loss`` and ``deviation`` (the book's score of the fit).
    """

    def __init__(self, config: FitConfig, clock: Callable[[], float] = time.perf_counter) -> None:
        c = self.config = config
        if not 1 <= c.hidden <= 2 * MAX_BUMPS:
            raise ValueError(f"hidden neurons must be 1 to {2 * MAX_BUMPS}, got {c.hidden}")
        self.target = target_from_key(c.target)
        self.clock = clock
        net = self.network = Network([1, int(c.hidden), 1], cost="cross-entropy", seed=int(c.seed))
        s = net.rng.uniform(0.0, 1.0, c.hidden)
        net.weights[0][:, 0] = 20.0
        net.biases[0][:] = -20.0 * s
        net.weights[1][:] = 0.0
        net.biases[1][:] = 0.0
        X = ((np.arange(FIT_SAMPLES) + 0.5) / FIT_SAMPLES)[:, None]
        self.trainer = Trainer(net, X, self.target(X), mini_batch_size=int(c.batch), eta=float(c.eta), seed=int(c.seed))
        self.history: dict[str, list[Any]] = {"epoch": [], "seconds": [], "minibatch_loss": [], "deviation": []}
        self.stop: Stop | None = None
        self.train_seconds = 0.0
        self.planner = ChunkPlanner()
        self._costs: list[float] = []
        self._record(math.nan)

    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    def deviation(self) -> float:
        return deviation(self.network, self.target)

    def set_rates(self, eta: float, lmbda: float = 0.0) -> None:
        self.trainer.eta, self.trainer.lmbda = float(eta), float(lmbda)

    def _record(self, loss: float) -> None:
        h = self.history
        h["epoch"].append(self.epoch)
        h["seconds"].append(self.train_seconds)
        h["minibatch_loss"].append(loss)
        h["deviation"].append(self.deviation())

    def run(self, budget: float = 0.03, until_epoch: int | None = None, target: float | None = None) -> Stop | None:
        """Train about ``budget`` seconds; a Stop at the epoch limit or on NaN, else None.
        The weights after E epochs do not depend on how the time was sliced.
        (``target`` is the engine's accuracy target: a curve fit has none.)"""
        if self.stop is not None:
            return self.stop
        limit = int(self.config.epochs) if until_epoch is None else min(int(until_epoch), self.config.epochs)
        start = self.clock()
        self.planner.target = budget
        t = self.trainer
        try:
            while self.epoch < limit:
                n = self.planner.next_size(t.batches_per_epoch - t.batches_done)
                t0 = self.clock()
                costs = t.step(n)
                self.planner.record(n, self.clock() - t0)
                self._costs.extend(costs)
                if not t.is_finite():
                    self.stop = Stop(
                        "nan", "Training diverged: the weights are no longer numbers.", "Try a smaller learning rate η."
                    )
                    return self.stop
                if t.batches_done == 0:
                    self._record(float(np.mean(self._costs)))
                    self._costs = []
                if self.clock() - start >= budget:
                    break
        finally:
            self.train_seconds += self.clock() - start
        if self.epoch >= self.config.epochs:
            self.stop = Stop("epochs", f"Finished {self.epoch} epochs.")
            return self.stop
        if until_epoch is not None and self.epoch >= until_epoch:
            return Stop("goal", f"Reached epoch {self.epoch}.")
        return None


def fit(config: FitConfig) -> Fit:
    """A ``Fit`` trained to its last epoch in one go (what the page's worker does in slices)."""
    f = Fit(config)
    while f.run(1.0) is None:
        pass
    return f


# ------------------------------------------------------- the worker's kind


def _session(settings: dict[str, Any], context: remote.Context) -> Fit:
    """The training worker's curve fit of ``FitConfig``'s fields (unknown keys refused)."""
    fields = FitConfig.__dataclass_fields__
    unknown = sorted(set(settings) - set(fields))
    if unknown:
        raise ValueError(f"unknown fit settings: {', '.join(unknown)}")
    # Each value as its default's type (JSON numbers arrive as int or float alike).
    config = FitConfig(**{k: type(getattr(FitConfig, k))(v) for k, v in settings.items()})
    return Fit(config, clock=context.clock)


remote.register("universality", _session, title="curve fit")
