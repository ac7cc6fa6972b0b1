"""Ejercicios del cuaderno 04 · Redes profundas (feedforward) con Keras y PyTorch.

04.1 and 04.4 are plain functions on NumPy/Python data. 04.2 and 04.3 are build
functions whose model is described as plain data (``describe_model``) and, for
PyTorch, also run on inputs chosen here (``predict``). 04.5 trains a model on the
sklearn digits and is judged on held-out images that only the checker knows.
Keras and torch are imported only inside the functions that need them.
"""

import numpy as np

from coursekit.exercises.core import (
    Case, Failed, FunctionExercise, CustomExercise, LearnerError, Mistake, register, require,
)
from coursekit.exercises.references import reference
from coursekit.exercises.model_checks import layers_of, require_model, stratified_holdout
from coursekit.messages import msg

# ---------------------------------------------------------------------------
# 04.1 · La red más ancha que cabe en un presupuesto de parámetros
# ---------------------------------------------------------------------------
# Section 9 compares networks with "about 110 000 parameters" and 1, 2 or 4 hidden
# layers: 138 units, 128 → 64, 100 × 4. This exercise asks where such widths come
# from: invert the parameter count, which is quadratic in the width.


def _dense_count(n_in, n_out, depth, width):
    sizes = [n_in] + [width] * depth + [n_out]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


@reference("04.1")
def max_width(n_in, n_out, depth, budget):
    """Mayor anchura w tal que la red n_in → w → … (depth capas ocultas) → n_out tenga como mucho budget parámetros; 0 si ni w = 1 cabe."""
    def count(w):
        sizes = [n_in] + [w] * depth + [n_out]
        return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))

    width = 0
    while count(width + 1) <= budget:
        width += 1
    return width


def _width_with(counter):
    def solve(n_in, n_out, depth, budget):
        width = 0
        while counter(n_in, n_out, depth, width + 1) <= budget:
            width += 1
        return width
    return solve


def _count_no_bias(n_in, n_out, depth, width):
    sizes = [n_in] + [width] * depth + [n_out]
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def _count_no_output(n_in, n_out, depth, width):
    return _dense_count(n_in, width, depth - 1, width) if depth >= 1 else 0


def _count_depth_minus_one(n_in, n_out, depth, width):
    return _dense_count(n_in, n_out, max(depth - 1, 1), width)


_width_no_bias = _width_with(_count_no_bias)
_width_no_output = _width_with(_count_no_output)
_width_depth_minus_one = _width_with(_count_depth_minus_one)


def _width_first_over(n_in, n_out, depth, budget):
    return _width_with(_dense_count)(n_in, n_out, depth, budget) + 1


def _width_float(n_in, n_out, depth, budget):
    """Solves count(w) = budget with the quadratic formula and does not round down."""
    a = depth - 1
    b = n_in + depth + n_out
    c = n_out - budget
    if a == 0:
        return -c / b
    return (-b + (b * b - 4 * a * c) ** 0.5) / (2 * a)


def _width_cases(rng):
    def random_case():
        n_in, n_out = int(rng.integers(2, 900)), int(rng.integers(1, 20))
        depth = int(rng.integers(1, 6))
        return n_in, n_out, depth, int(_dense_count(n_in, n_out, depth, int(rng.integers(5, 300))) + rng.integers(0, 50))

    exact = _dense_count(64, 10, 2, 37)
    return [
        Case("784 → ? → 10, una capa oculta, 110 000 parámetros", (784, 10, 1, 110_000)),
        Case("2 → ? → 1 con 40 parámetros", (2, 1, 1, 40)),
        Case("784 → ? × 4 → 10, 110 000 parámetros", (784, 10, 4, 110_000)),
        Case("aleatorio", random_case()),
        Case("aleatorio, otra vez", random_case()),
        Case("presupuesto justo: exactamente los parámetros de w = 37", (64, 10, 2, exact)),
        Case("presupuesto en el que no cabe ni una neurona", (100, 10, 3, 50)),
    ]


register(FunctionExercise(
    "04.1", "La red más ancha que cabe en un presupuesto", "max_width",
    reference=max_width, cases=_width_cases, points=2, rtol=0, atol=0,
    mistakes=[
        Mistake("ex.04.1.no_bias", _width_no_bias),
        Mistake("ex.04.1.no_output", _width_no_output),
        Mistake("ex.04.1.depth_minus_one", _width_depth_minus_one),
        Mistake("ex.04.1.first_over", _width_first_over),
        Mistake("ex.04.1.not_rounded", _width_float),
    ],
    hints=["ex.04.1.hint1", "ex.04.1.hint2", "ex.04.1.hint3", "ex.04.1.hint4"],
))


# ---------------------------------------------------------------------------
# 04.2 · Una red más profunda con Keras, para imágenes 28×28
# ---------------------------------------------------------------------------
# Input (28, 28) → Flatten → 256 (ReLU) → 128 (ReLU) → 64 (ReLU) → 10 (softmax)

DEEP_SIZES = [784, 256, 128, 64, 10]
DEEP_LAYER_PARAMS = [200_960, 32_896, 8_256, 650]
DEEP_PARAMS = 242_762
_ACTIVATION_KINDS = {"ReLU", "Activation", "Softmax", "LeakyReLU", "ELU", "PReLU"}


@reference("04.2")
def build_model():
    """Red de Keras para imágenes (28, 28): Flatten → 256 → 128 → 64 (ReLU) → 10 (softmax)."""
    import keras

    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def _keras_functional_version():
    """Same network with the functional API (must also pass)."""
    import keras

    inputs = keras.Input(shape=(28, 28))
    x = keras.layers.Flatten()(inputs)
    for units in (256, 128, 64):
        x = keras.layers.Dense(units, activation="relu")(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def _keras_layers(*layers, flatten=True, input_shape=(28, 28)):
    import keras

    head = [keras.Input(shape=input_shape)] if input_shape else []
    if flatten:
        head.append(keras.layers.Flatten())
    return keras.Sequential(head + list(layers))


def _keras_stack(hidden_activation=("relu", "relu", "relu"), out_units=10, out_activation="softmax",
                 hidden=(256, 128, 64), **kwargs):
    import keras

    layers = [keras.layers.Dense(u, activation=a) for u, a in zip(hidden, hidden_activation)]
    layers.append(keras.layers.Dense(out_units, activation=out_activation))
    return _keras_layers(*layers, **kwargs)


def _keras_no_input():
    return _keras_stack(input_shape=None)


def _keras_no_flatten():
    return _keras_stack(flatten=False)


def _keras_hidden_linear():
    return _keras_stack(hidden_activation=("relu", None, "relu"))


def _keras_output_one_unit():
    return _keras_stack(out_units=1, out_activation="sigmoid")


def _keras_output_relu():
    return _keras_stack(out_activation="relu")


def _keras_missing_layer():
    return _keras_stack(hidden=(256, 64), hidden_activation=("relu", "relu"))


def _keras_flat_input():
    return _keras_stack(flatten=False, input_shape=(784,))


def _describe(probe, *args):
    """describe_model of the learner's build function, with clear messages for two classic errors."""
    try:
        return probe.inspect("describe_model", *args, call_args=())
    except LearnerError as err:
        if "isn't built" in err.error or "is not built" in err.error:
            raise Failed(msg("ex.04.2.not_built"), mistake="ex.04.2.not_built") from None
        if "cannot be multiplied" in err.error and "x28 and" in err.error:
            raise Failed(msg("ex.04.3.no_flatten"), mistake="ex.04.3.no_flatten") from None
        raise


def _check_keras_model(probe, rng):
    description = _describe(probe)
    framework = description.get("framework")
    require(framework != "torch", "ex.04.2.not_keras", mistake=True)
    require(framework is not None, "model.not_a_model", type=description.get("type", "?"))
    layers = layers_of(description)
    kinds = [layer["kind"] for layer in layers]
    separate = [kind for kind in kinds if kind in _ACTIVATION_KINDS]
    require(not separate, "ex.04.2.separate_activation", mistake=True, kind=", ".join(separate))
    if "Flatten" not in kinds:
        wide = any(layer["output_shape"] is not None and len(layer["output_shape"]) > 2 for layer in layers)
        require(not wide, "ex.04.2.no_flatten", mistake=True)
        require(False, "ex.04.2.flat_input", mistake=True)
    dense = [layer for layer in layers if layer["kind"] != "Flatten"]
    require(len(dense) == 4, "model.layers_count", actual=len(dense), expected=4)
    last = dense[-1]
    units = None if not last.get("output_shape") else last["output_shape"][-1]
    require(units == 10, "ex.04.2.output_units", mistake=True, units=units)
    for index, layer in enumerate(dense[:-1], start=1):
        require(layer["activation"] != "linear", "ex.04.2.hidden_linear", mistake=True, index=index)
    require(last["activation"] == "softmax", "ex.04.2.output_softmax", mistake=True,
            actual=last["activation"])
    require_model(description, kinds=["Flatten"] + ["Dense"] * 4,
                  layer_params=[0] + DEEP_LAYER_PARAMS,
                  output_shapes=[(None, n) for n in DEEP_SIZES],
                  activations=[None, "relu", "relu", "relu", "softmax"], params=DEEP_PARAMS)


register(CustomExercise(
    "04.2", "Una red más profunda con Keras", "build_model", _check_keras_model, points=2,
    hints=["ex.04.2.hint1", "ex.04.2.hint2", "ex.04.2.hint3"],
))


# ---------------------------------------------------------------------------
# 04.3 · La misma red en PyTorch
# ---------------------------------------------------------------------------

@reference("04.3")
def build_torch_net():
    """Gemela de PyTorch de la red del ejercicio 04.2: (n, 28, 28) -> logits (n, 10)."""
    from torch import nn

    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )


def _torch_class_version():
    """Same network as a subclass of nn.Module with torch.relu in forward (must also pass)."""
    import torch
    from torch import nn

    class DeepNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 256)
            self.fc2 = nn.Linear(256, 128)
            self.fc3 = nn.Linear(128, 64)
            self.out = nn.Linear(64, 10)

        def forward(self, x):
            x = x.reshape(len(x), -1)
            x = torch.relu(self.fc1(x))
            x = torch.relu(self.fc2(x))
            x = torch.relu(self.fc3(x))
            return self.out(x)

    return DeepNet()


def _torch_stack(*layers, flatten=True):
    from torch import nn

    return nn.Sequential(*([nn.Flatten()] if flatten else []), *layers)


def _torch_no_relu():
    from torch import nn

    return _torch_stack(nn.Linear(784, 256), nn.Linear(256, 128), nn.Linear(128, 64), nn.Linear(64, 10))


def _torch_softmax_end():
    from torch import nn

    return _torch_stack(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                        nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10), nn.Softmax(dim=1))


def _torch_shape_mismatch():
    from torch import nn

    return _torch_stack(nn.Linear(784, 256), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                        nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def _torch_no_flatten():
    from torch import nn

    return _torch_stack(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                        nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10), flatten=False)


def _torch_sigmoid():
    from torch import nn

    return _torch_stack(nn.Linear(784, 256), nn.Sigmoid(), nn.Linear(256, 128), nn.Sigmoid(),
                        nn.Linear(128, 64), nn.Sigmoid(), nn.Linear(64, 10))


_TORCH_FREE_KINDS = {"ReLU", "Flatten", "Dropout", "Identity", "Unflatten"}
_TORCH_SOFTMAX_KINDS = {"Softmax", "LogSoftmax"}


def _check_torch_model(probe, rng):
    description = _describe(probe, (28, 28))
    framework = description.get("framework")
    require(framework != "keras", "ex.04.3.not_torch", mistake=True)
    require(framework is not None, "model.not_a_model", type=description.get("type", "?"))
    leaves = description["layers"]
    kinds = [layer["kind"] for layer in leaves]
    require(not (set(kinds) & _TORCH_SOFTMAX_KINDS), "ex.04.3.softmax_end", mistake=True)
    others = sorted(set(kinds) - _TORCH_FREE_KINDS - {"Linear"})
    require(not others, "ex.04.3.not_relu", mistake=True, kind=", ".join(others))
    linear = [layer for layer in leaves if layer["kind"] == "Linear"]
    require(len(linear) == 4, "model.layers_count", actual=len(linear), expected=4)
    for index, (layer, expected) in enumerate(zip(linear, DEEP_LAYER_PARAMS), start=1):
        require(layer["params"] == expected, "model.layer_params", index=index, kind="Linear",
                actual=layer["params"], expected=expected)
    for index, (layer, units) in enumerate(zip(linear, DEEP_SIZES[1:]), start=1):
        actual = None if layer["output_shape"] is None else tuple(layer["output_shape"])
        require(actual == (None, units), "model.output_shape", index=index, kind="Linear",
                actual=actual, expected=(None, units))
    require(description["params"] == DEEP_PARAMS, "model.param_count",
            actual=description["params"], expected=DEEP_PARAMS)
    # Behaviour on inputs chosen here, in one call (each build draws new weights):
    # row 0 is all zeros, then images x_1..x_k, then -x_1..-x_k.
    k = 4
    X = rng.uniform(0.0, 1.0, size=(k, 28, 28)).astype(np.float32)
    batch = np.concatenate([np.zeros((1, 28, 28), np.float32), X, -X])
    out = np.asarray(probe.inspect("predict", batch, call_args=()), dtype=float)
    require(out.shape == (2 * k + 1, 10), "cmp.shape", actual=out.shape, expected=(2 * k + 1, 10))
    require(np.all(np.isfinite(out)), "cmp.nan", count=int((~np.isfinite(out)).sum()), where="?")
    probs = np.all((out >= 0) & (out <= 1)) and np.allclose(out.sum(axis=1), 1.0, atol=1e-4)
    log_probs = np.all(out <= 0) and np.allclose(np.exp(out).sum(axis=1), 1.0, atol=1e-4)
    require(not (probs or log_probs), "ex.04.3.softmax_end", mistake=True)
    residual = out[1:k + 1] + out[k + 1:] - 2 * out[0]
    scale = 1.0 + np.abs(out).max()
    require(np.abs(residual).max() > 1e-4 * scale, "ex.04.3.missing_relu", mistake=True)


register(CustomExercise(
    "04.3", "La misma red en PyTorch", "build_torch_net", _check_torch_model, points=2,
    hints=["ex.04.3.hint1", "ex.04.3.hint2", "ex.04.3.hint3"],
))


# ---------------------------------------------------------------------------
# 04.4 · Entropía cruzada a partir de las puntuaciones (log-sum-exp)
# ---------------------------------------------------------------------------
# What nn.CrossEntropyLoss computes from logits, and why a PyTorch classifier does not
# end with softmax: log softmax written stably, log p_y = z_y − logsumexp(z).

@reference("04.4")
def cross_entropy(logits, y):
    """Entropía cruzada media a partir de puntuaciones (n, k) y etiquetas enteras (n,), estable con log-sum-exp -> float."""
    top = logits.max(axis=1, keepdims=True)
    log_sum_exp = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    right = logits[np.arange(len(y)), y]
    return float(np.mean(log_sum_exp - right))


def _log_softmax(logits, axis=1):
    top = logits.max(axis=axis, keepdims=True)
    return logits - top - np.log(np.exp(logits - top).sum(axis=axis, keepdims=True))


def _ce_naive(logits, y):
    P = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return float(np.mean(-np.log(P[np.arange(len(y)), y])))


def _ce_sum(logits, y):
    return float(-_log_softmax(logits)[np.arange(len(y)), y].sum())


def _ce_sign(logits, y):
    return float(_log_softmax(logits)[np.arange(len(y)), y].mean())


def _ce_axis0(logits, y):
    return float(-_log_softmax(logits, axis=0)[np.arange(len(y)), y].mean())


def _ce_forgot_max(logits, y):
    top = logits.max(axis=1, keepdims=True)
    return float(np.mean(np.log(np.exp(logits - top).sum(axis=1)) - logits[np.arange(len(y)), y]))


def _ce_per_example(logits, y):
    return -_log_softmax(logits)[np.arange(len(y)), y]


def _ce_cases(rng):
    n, k = 8, 5
    big = rng.normal(size=(4, 3)) * 3 + np.array([[1000.0], [-900.0], [750.0], [0.0]])
    return [
        Case("n=8, k=5 aleatorio", (rng.normal(size=(n, k)) * 2, rng.integers(0, k, size=n))),
        Case("puntuaciones muy grandes (±1000)", (big, np.array([0, 2, 1, 1]))),
        Case("puntuaciones iguales: pérdida log k", (np.zeros((3, 4)), np.array([0, 3, 1]))),
        Case("un solo ejemplo, 10 clases", (rng.normal(size=(1, 10)), np.array([int(rng.integers(10))]))),
    ]


register(FunctionExercise(
    "04.4", "Entropía cruzada a partir de las puntuaciones", "cross_entropy",
    reference=cross_entropy, cases=_ce_cases, points=2, rtol=1e-7, atol=1e-9,
    mistakes=[
        Mistake("ex.04.4.unstable", _ce_naive),
        Mistake("ex.04.4.sum", _ce_sum),
        Mistake("ex.04.4.sign", _ce_sign),
        Mistake("ex.04.4.axis0", _ce_axis0),
        Mistake("ex.04.4.forgot_max", _ce_forgot_max),
        Mistake("ex.04.4.per_example", _ce_per_example),
    ],
    hints=["ex.04.4.hint1", "ex.04.4.hint2", "ex.04.4.hint3", "ex.04.4.hint4"],
))


# ---------------------------------------------------------------------------
# 04.5 · Entrenar un clasificador de dígitos 8×8
# ---------------------------------------------------------------------------

HOLDOUT_MIN_ACCURACY = 0.94
CENTROID_MARGIN = 0.03  # over notebook 00's nearest centroid (about 0.90 on this split)


@reference("04.5")
def train_model(X_train, y_train):
    """Entrena una red densa con X_train: (n, 64) en [0, 1] e y_train: (n,) enteros; devuelve el modelo."""
    import torch
    from torch import nn

    X = torch.as_tensor(np.asarray(X_train), dtype=torch.float32)
    y = torch.as_tensor(np.asarray(y_train), dtype=torch.long)
    net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(15):
        perm = torch.randperm(len(X))
        for start in range(0, len(X), 128):
            idx = perm[start:start + 128]
            optimizer.zero_grad()
            loss = loss_fn(net(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
    return net


def _train_untrained(X_train, y_train):
    from torch import nn

    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def _train_raises(X_train, y_train):
    import torch

    X = torch.as_tensor(np.asarray(X_train), dtype=torch.float32)
    W = torch.zeros(784, 10)
    return X @ W  # 64 columnas frente a 784 filas: error de formas


def _train_returns_predictions(X_train, y_train):
    return np.zeros((len(X_train), 10))


def _holdout_split(rng):
    """Stratified split of the sklearn digits: about 70 % to the learner, 30 % kept here."""
    from coursekit.datasets import load_digits

    X, y = load_digits(flat=True)
    return stratified_holdout(X, y, rng)


def _check_training(probe, rng):
    X_train, y_train, X_hold, y_hold = _holdout_split(rng)
    try:
        out = probe.inspect("predict", X_hold, call_args=(X_train, y_train))
    except LearnerError as err:
        if "not callable" in err.error and "ndarray" in err.error:
            raise Failed(msg("ex.04.5.not_a_model"), mistake="ex.04.5.not_a_model") from None
        raise
    out = np.asarray(out, dtype=float)
    require(out.ndim == 2 and out.shape == (len(X_hold), 10), "ex.04.5.output_shape", mistake=True,
            actual=tuple(out.shape), expected=(len(X_hold), 10))
    accuracy = float(np.mean(out.argmax(axis=1) == y_hold))
    baseline = _centroid_accuracy(X_train, y_train, X_hold, y_hold)
    needed = max(HOLDOUT_MIN_ACCURACY, baseline + CENTROID_MARGIN)
    from coursekit.fmt import fmt_percent

    require(accuracy >= needed, "ex.04.5.below_baseline", actual=fmt_percent(accuracy),
            baseline=fmt_percent(baseline), needed=fmt_percent(needed))


def _centroid_accuracy(X_train, y_train, X_test, y_test):
    """Held-out accuracy of the nearest-centroid classifier of notebook 00 (trusted, NumPy)."""
    centroids = np.stack([X_train[y_train == k].mean(axis=0) for k in range(10)])
    distances = ((X_test[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return float(np.mean(distances.argmin(axis=1) == y_test))


def _train_linear_briefly(X_train, y_train):
    """A softmax regression trained for one epoch with plain SGD: learns, but not enough."""
    import torch
    from torch import nn

    X = torch.as_tensor(np.asarray(X_train), dtype=torch.float32)
    y = torch.as_tensor(np.asarray(y_train), dtype=torch.long)
    net = nn.Linear(64, 10)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    for start in range(0, len(X), 64):
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(X[start:start + 64]), y[start:start + 64]).backward()
        optimizer.step()
    return net


register(CustomExercise(
    "04.5", "Entrenar un clasificador de dígitos 8×8", "train_model", _check_training, points=3,
    hints=["ex.04.5.hint1", "ex.04.5.hint2", "ex.04.5.hint3", "ex.04.5.hint4"],
))


# ---------------------------------------------------------------------------
# Self-validation (tests/test_exercises.py)
# ---------------------------------------------------------------------------


WRONG_VARIANTS = {
    "04.1": [
        (_width_no_bias, "ex.04.1.no_bias"),
        (_width_no_output, "ex.04.1.no_output"),
        (_width_depth_minus_one, "ex.04.1.depth_minus_one"),
        (_width_first_over, "ex.04.1.first_over"),
        (_width_float, "ex.04.1.not_rounded"),
    ],
    "04.2": [
        (_keras_hidden_linear, "ex.04.2.hidden_linear"),
        (_keras_output_one_unit, "ex.04.2.output_units"),
        (_keras_output_relu, "ex.04.2.output_softmax"),
        (_keras_no_input, "ex.04.2.not_built"),
        (_keras_missing_layer, "model.layers_count"),
        (_keras_no_flatten, "ex.04.2.no_flatten"),
        (_keras_flat_input, "ex.04.2.flat_input"),
        (build_torch_net, "ex.04.2.not_keras"),
    ],
    "04.3": [
        (_torch_no_relu, "ex.04.3.missing_relu"),
        (_torch_softmax_end, "ex.04.3.softmax_end"),
        (_torch_shape_mismatch, "check.learner_error"),
        (_torch_sigmoid, "ex.04.3.not_relu"),
        (_torch_no_flatten, "ex.04.3.no_flatten"),
        (build_model, "ex.04.3.not_torch"),
    ],
    "04.4": [
        (_ce_naive, "ex.04.4.unstable"),
        (_ce_sum, "ex.04.4.sum"),
        (_ce_sign, "ex.04.4.sign"),
        (_ce_axis0, "ex.04.4.axis0"),
        (_ce_forgot_max, "ex.04.4.forgot_max"),
        (_ce_per_example, "ex.04.4.per_example"),
    ],
    "04.5": [
        (_train_untrained, "ex.04.5.below_baseline"),
        (_train_linear_briefly, "ex.04.5.below_baseline"),
        (_train_raises, "check.learner_error"),
        (_train_returns_predictions, "ex.04.5.not_a_model"),
    ],
}
