"""The learner's convolve and max_pool as a lab runs them (nnfs.labs.exercises.learner_maps.Guarded):
their answers while they are good, the core's from the first problem on (too slow, an error, a wrong
shape, a nan), said once; the lab's arrays never changed; the lab's own mistakes not blamed on them."""

import numpy as np
import pytest

from nnfs.labs.exercises import catalogue as ex
from nnfs.labs.exercises.learner_code import run_code
from nnfs.labs.exercises.learner_maps import BUDGET, Guarded

SOLVED = run_code(ex.get("conv").solution).namespace


def _loop_convolve(image, kernel):
    k = len(kernel)
    return np.array(
        [
            [
                sum(image[i + a][j + b] * kernel[a][b] for a in range(k) for b in range(k))
                for j in range(len(image[0]) - k + 1)
            ]
            for i in range(len(image) - k + 1)
        ]
    )


def _learner(code):
    return run_code(code).namespace


def _failing(name, code, **kwargs):
    said = []
    g = Guarded(name, _learner(code)[name], on_fail=lambda n, why: said.append((n, why)), **kwargs)
    return g, said


IMAGE = np.arange(30.0).reshape(5, 6) % 7 - 3  # integers: every right answer is exact
KERNEL = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0], [0.0, -2.0, 1.0]])


def test_a_passing_solution_answers_and_is_the_definition():
    said = []
    conv = Guarded("convolve", SOLVED["convolve"], on_fail=lambda n, w: said.append(w))
    pool = Guarded("max_pool", SOLVED["max_pool"], on_fail=lambda n, w: said.append(w))
    maps = conv(IMAGE, KERNEL)
    assert maps.shape == (3, 4) and np.array_equal(maps, _loop_convolve(IMAGE.tolist(), KERNEL.tolist()))
    assert np.array_equal(pool(maps, 2), [[maps[:2, :2].max(), maps[:2, 2:].max()]])
    assert conv.answered == 1 and pool.answered == 1 and not conv.failed and said == []


def test_their_answer_is_what_the_lab_gets():
    """Not the core's: a convolve that adds 1 everywhere (returned right shape, finite) is drawn as it is."""
    odd = _learner(
        "import numpy as np\n\ndef convolve(image, kernel):\n"
        "    k = len(kernel)\n    return np.ones((len(image) - k + 1, len(image[0]) - k + 1))\n"
    )
    g = Guarded("convolve", odd["convolve"])
    assert np.array_equal(g(IMAGE, KERNEL), np.ones((3, 4))) and g.answered == 1


def test_the_labs_arrays_are_never_changed():
    code = (
        "def convolve(image, kernel):\n    image[:] = 0\n    kernel[:] = 0\n    return image[:3, :4] * 0\n"
        "def max_pool(m, size):\n    m[:] = 5\n    return m[: len(m) // size, : len(m[0]) // size]\n"
    )
    image, kernel = IMAGE.copy(), KERNEL.copy()
    Guarded("convolve", _learner(code)["convolve"])(image, kernel)
    Guarded("max_pool", _learner(code)["max_pool"])(image, 2)
    assert np.array_equal(image, IMAGE) and np.array_equal(kernel, KERNEL)


@pytest.mark.parametrize(
    "body, why",
    [
        (
            "    return image",
            r"Your convolve returned shape \(5, 6\) instead of \(3, 4\) for a 5 × 6 image and a 3 × 3 filter",
        ),
        ("    return [[1.0, 2.0], [3.0]]", r"Your convolve returned list, not an array of numbers for a 5 × 6 image"),
        (
            "    import numpy as np\n    out = np.zeros((3, 4))\n    out[1, 2] = np.nan\n    return out",
            r"returned nan at \[1, 2\], not a finite number",
        ),
        (
            "    return 1 / 0",
            r"Your convolve failed on a 5 × 6 image and a 3 × 3 filter \(ZeroDivisionError: division by zero\)",
        ),
    ],
)
def test_a_bad_answer_falls_back_to_the_core_and_says_why_once(body, why):
    import re

    g, said = _failing("convolve", "def convolve(image, kernel):\n" + body + "\n")
    want = _loop_convolve(IMAGE.tolist(), KERNEL.tolist())
    assert np.array_equal(g(IMAGE, KERNEL), want)  # the drawing is still right
    assert np.array_equal(g(IMAGE, KERNEL), want)
    assert len(said) == 1 and said[0][0] == "convolve" and re.search(why, said[0][1]), said
    assert g.failed == said[0][1] and g.failed.endswith("so the lab drew with its own.")
    assert g.answered == 0


def test_an_endless_loop_is_stopped_within_the_budget_and_the_drawing_finishes():
    import time

    g, said = _failing(
        "max_pool",
        "def max_pool(m, size):\n    while m[0][0] == 99.0:\n        pass\n    return m[: len(m) // size, : len(m[0]) // size]\n",
        budget=0.3,
    )
    fine = np.zeros((4, 4))
    assert np.array_equal(g(fine, 2), np.zeros((2, 2))) and g.answered == 1
    stuck = np.full((4, 4), 99.0)
    t0 = time.perf_counter()
    assert np.array_equal(g(stuck, 2), np.full((2, 2), 99.0))  # the core's answer
    assert 0.2 < time.perf_counter() - t0 < 2.0
    assert (
        "took more than 0.3 s in all for one drawing (the last call was on a 4 × 4 map in 2 × 2 blocks)" in said[0][1]
    )
    t0 = time.perf_counter()
    assert np.array_equal(g(stuck, 2), np.full((2, 2), 99.0))  # no second wait
    assert time.perf_counter() - t0 < 0.1 and len(said) == 1


def test_the_budget_counts_only_the_time_in_their_code():
    """A lab that keeps the function across redraws is not charged for the time between them."""
    now = [0.0]

    def clock():
        now[0] += 1e-4  # each reading: their code ran a little
        return now[0]

    g = Guarded("convolve", SOLVED["convolve"], budget=1.0, clock=clock)
    for _ in range(3):
        g(IMAGE, KERNEL)
        now[0] += 100.0  # the lab's own work, or the learner drawing
    assert g.answered == 3 and not g.failed
    assert 0 < g.budget - g.left < 0.1
    assert BUDGET == 3.0


@pytest.mark.parametrize(
    "name, first, second",
    [
        ("convolve", np.zeros(5), np.ones((2, 2))),
        ("convolve", np.zeros((3, 3)), np.ones((4, 4))),
        ("convolve", np.zeros((3, 3)), np.ones((1, 2))),
        ("max_pool", np.zeros((3, 3)), 4),
        ("max_pool", np.zeros((3, 3)), 0),
        ("max_pool", np.zeros((3, 3)), 1.5),
    ],
)
def test_the_labs_own_mistakes_raise_before_their_code_runs(name, first, second):
    calls = []
    g = Guarded(name, lambda *a: calls.append(a), on_fail=lambda n, w: calls.append(w))
    with pytest.raises(ValueError):
        g(first, second)
    assert calls == [] and not g.failed


def test_only_the_exercises_functions():
    with pytest.raises(ValueError, match="convolve, max_pool"):
        Guarded("backprop", SOLVED["convolve"])
