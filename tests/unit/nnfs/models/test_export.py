"""Exported standalone scripts: they run on their own and reproduce the model's predictions."""

import ast
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from nnfs.models.export import export_script

ALLOWED_IMPORTS = {"numpy", "sys", "base64", "json", "math"}


def random_model(sizes=(784, 16, 10), activation="sigmoid", output_activation="softmax", seed=0, meta=None):
    """A model file as model_io writes it: weights[l] (n_out, n_in), biases[l] (n_out,)."""
    rng = np.random.default_rng(seed)
    sizes = list(sizes)
    model = {
        "format": "nnfs-network",
        "version": 1,
        "sizes": sizes,
        "activation": activation,
        "output_activation": output_activation,
        "cost": "cross-entropy",
        # Weights ~ N(0, 1/n_in) keep z of order 1: no saturated, tied outputs.
        "weights": [rng.normal(0, 1 / np.sqrt(n_in), (n_out, n_in)).tolist() for n_in, n_out in zip(sizes, sizes[1:])],
        "biases": [rng.normal(0, 1, n_out).tolist() for n_out in sizes[1:]],
    }
    if meta is not None:
        model["meta"] = meta
    return model


def reference_outputs(model, x):
    """An independent forward pass, written from the maths: a = f(a W^T + b)."""
    functions = {
        "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "tanh": np.tanh,
        "relu": lambda z: np.where(z > 0, z, 0.0),
        "linear": lambda z: z,
        "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
    }
    a = np.asarray(x, dtype=np.float64)
    layers = list(zip(model["weights"], model["biases"]))
    for l, (w, b) in enumerate(layers):
        name = model["output_activation"] if l == len(layers) - 1 else model["activation"]
        a = functions[name](a @ np.array(w).T + np.array(b))
    return a


def reference_predictions(model, x):
    a = reference_outputs(model, x)
    return (a[:, 0] > 0.5).astype(int) if a.shape[1] == 1 else a.argmax(axis=1)


def write_script(tmp_path, model) -> str:
    path = tmp_path / "model_script.py"
    path.write_text(export_script(json.dumps(model)))
    return str(path)


def run(script, *args):
    proc = subprocess.run([sys.executable, script, *map(str, args)], capture_output=True, text=True, timeout=60)
    return proc


@pytest.fixture
def tiny_npz(tmp_path):
    rng = np.random.default_rng(42)
    images = rng.integers(0, 256, size=(25, 784), dtype=np.uint8)
    labels = rng.integers(0, 10, size=25, dtype=np.uint8)
    path = tmp_path / "tiny.npz"
    np.savez_compressed(path, images=images, labels=labels)
    return path, images, labels


@pytest.mark.parametrize(
    "sizes, activation, output_activation",
    [
        ((784, 16, 10), "sigmoid", "softmax"),
        ((784, 16, 10), "sigmoid", "sigmoid"),
        ((784, 12, 8, 10), "tanh", "softmax"),
        ((784, 10), "relu", "linear"),  # no hidden layer at all
    ],
)
def test_script_prints_the_same_predictions_and_accuracy(tmp_path, tiny_npz, sizes, activation, output_activation):
    path, images, labels = tiny_npz
    model = random_model(sizes, activation, output_activation)
    script = write_script(tmp_path, model)

    proc = run(script, path, 20)
    assert proc.returncode == 0, proc.stderr
    printed = [(int(p), int(y)) for p, y in re.findall(r"image \d+: predicted (\d+), label (\d+)", proc.stdout)]
    expected = reference_predictions(model, images[:20] / 255.0)
    assert [p for p, _ in printed] == expected.tolist()
    assert [y for _, y in printed] == labels[:20].tolist()
    correct = int((expected == labels[:20]).sum())
    assert f"accuracy on the first 20 images: {correct}/20" in proc.stdout


def test_default_is_first_100_images_or_all(tmp_path, tiny_npz):
    path, _, _ = tiny_npz
    proc = run(write_script(tmp_path, random_model()), path)
    assert proc.returncode == 0, proc.stderr
    assert "accuracy on the first 25 images" in proc.stdout  # fewer than 100 in the file


def test_csv_rows_0_255_and_0_1(tmp_path, tiny_npz):
    _, images, _ = tiny_npz
    model = random_model()
    script = write_script(tmp_path, model)
    expected = reference_predictions(model, images[:3] / 255.0).tolist()

    pixels_csv = tmp_path / "pixels.csv"
    pixels_csv.write_text("\n".join(",".join(str(v) for v in row) for row in images[:3]) + "\n")
    intensities_txt = tmp_path / "intensities.txt"
    intensities_txt.write_text(" ".join(repr(float(v)) for v in (images[0] / 255.0)))

    out = run(script, pixels_csv)
    assert out.returncode == 0, out.stderr
    assert [int(p) for p in re.findall(r"row \d+: predicted (\d+)", out.stdout)] == expected
    out = run(script, intensities_txt)
    assert [int(p) for p in re.findall(r"row \d+: predicted (\d+)", out.stdout)] == expected[:1]


def test_wrong_csv_and_no_arguments_fail_with_a_message(tmp_path):
    script = write_script(tmp_path, random_model())
    bad = tmp_path / "bad.csv"
    bad.write_text("1, 2, 3\n")
    proc = run(script, bad)
    assert proc.returncode != 0 and "expected rows of 784 numbers, found 3" in proc.stderr
    proc = run(script)
    assert proc.returncode != 0 and "python this_script.py" in proc.stderr  # the usage


def test_embedded_parameters_are_exact_and_functions_match(tmp_path):
    model = random_model((784, 9, 10), "sigmoid", "softmax", seed=3)
    namespace = {"__name__": "exported"}  # not "__main__": define, do not run
    exec(compile(export_script(json.dumps(model)), "exported", "exec"), namespace)
    for got, original in zip(namespace["weights"] + namespace["biases"], model["weights"] + model["biases"]):
        np.testing.assert_array_equal(got, np.array(original))  # bit for bit, not just close
    x = np.random.default_rng(5).random((7, 784))
    np.testing.assert_allclose(namespace["feedforward"](x), reference_outputs(model, x), rtol=1e-12)
    np.testing.assert_array_equal(namespace["predict"](x), reference_predictions(model, x))
    # A single image (one row of 784) works too.
    assert namespace["feedforward"](x[0]).shape == (1, 10)


def test_stable_sigmoid_does_not_overflow(tmp_path):
    model = random_model((784, 4, 10), "sigmoid", "sigmoid")
    model["weights"][0] = (np.array(model["weights"][0]) * 1e4).tolist()  # z ~ +-1e4
    namespace = {"__name__": "exported"}
    exec(export_script(json.dumps(model)), namespace)
    with np.errstate(over="raise", invalid="raise"):
        a = namespace["feedforward"](np.random.default_rng(0).random((3, 784)))
    assert np.all(np.isfinite(a))


def test_single_output_neuron_and_non_image_inputs(tmp_path):
    model = random_model((2, 3, 1), "tanh", "sigmoid", seed=7)
    script_text = export_script(json.dumps(model))
    assert "x.max() > 1" not in script_text  # guessing 0-255 pixels is only for 784-input models
    script = tmp_path / "xor.py"
    script.write_text(script_text)
    points = np.array([[0.0, 0.0], [0.0, 3.0], [5.0, -2.0]])
    csv = tmp_path / "points.csv"
    csv.write_text("\n".join(f"{a},{b}" for a, b in points))
    proc = run(script, csv)
    assert proc.returncode == 0, proc.stderr
    got = [int(p) for p in re.findall(r"row \d+: predicted (\d+)", proc.stdout)]
    assert got == reference_predictions(model, points).tolist()


def test_script_imports_only_numpy_and_the_standard_library():
    script = export_script(json.dumps(random_model(meta={"epochs": 3})))
    imported = set()
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported <= ALLOWED_IMPORTS and "numpy" in imported
    assert "nnfs" not in script


def test_script_is_readable_and_records_meta():
    meta = {"epochs": 30, "eta": 0.5, "test_accuracy": 0.9512, "note": 'says "hi"\nand @SIZES@ """', "history": [1, 2]}
    script = export_script(json.dumps(random_model(meta=meta)))
    compile(script, "exported", "exec")  # odd meta text cannot break the script
    assert "#   epochs: 30" in script and "#   test_accuracy: 0.9512" in script
    assert "history" not in script  # only scalar meta entries are recorded
    assert "def feedforward(x):" in script and "def predict(images):" in script
    code_lines = [line for line in script.splitlines() if not line.strip().startswith('"')]
    assert len(code_lines) < 150  # the code stays short; the rest is embedded numbers
    assert max(len(line) for line in script.splitlines()) <= 100


def good_model():
    return random_model((4, 3, 2))


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda m: "not json {", "not valid JSON"),
        (lambda m: [1, 2], "JSON object"),
        (lambda m: {**m, "format": "keras"}, "'format'"),
        (lambda m: {**m, "version": 2}, "version"),
        (lambda m: {**m, "sizes": [4]}, "'sizes'"),
        (lambda m: {**m, "sizes": [4, 0, 2]}, "'sizes'"),
        (lambda m: {**m, "sizes": [4, True, 2]}, "'sizes'"),
        (lambda m: {**m, "activation": "softmax"}, "'activation'"),
        (lambda m: {**m, "activation": "swish"}, "'activation'"),
        (lambda m: {**m, "output_activation": None}, "'output_activation'"),
        (lambda m: {**m, "sizes": [4, 3, 1], "output_activation": "softmax"}, "at least 2"),
        (lambda m: {**m, "weights": m["weights"][:1]}, "'weights' must be a list of 2"),
        (lambda m: {**m, "biases": "abc"}, "'biases'"),
        (
            lambda m: {**m, "weights": [m["weights"][0], np.zeros((3, 2)).tolist()]},
            r"weights\[1\] has shape \(3, 2\), expected \(2, 3\)",
        ),
        (lambda m: {**m, "biases": [m["biases"][0], [1.0]]}, r"biases\[1\] has shape"),
        (lambda m: {**m, "biases": [m["biases"][0], ["1", "2"]]}, r"biases\[1\] must be an array of numbers"),
        (
            lambda m: {**m, "weights": [[[1.0, 2.0], [3.0]], m["weights"][1]]},
            r"weights\[0\] must be an array of numbers",
        ),
        (lambda m: {**m, "biases": [m["biases"][0], [float("nan"), 0.0]]}, "NaN"),
    ],
)
def test_invalid_model_files_raise_value_error(change, message):
    changed = change(good_model())
    text = changed if isinstance(changed, str) else json.dumps(changed)
    with pytest.raises(ValueError, match=message):
        export_script(text)


def test_model_text_must_be_a_string():
    with pytest.raises(ValueError, match="str"):
        export_script(good_model())
