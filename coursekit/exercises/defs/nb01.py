"""Ejercicios del cuaderno 01 · La neurona artificial.

01.1 sigmoide estable, 01.2 derivada de la sigmoide, 01.3 softmax estable,
01.4 paso hacia delante de una neurona, 01.5 regla de aprendizaje del perceptrón,
01.6 clasificador denso de tamaño cualquiera (Keras con softmax o PyTorch con puntuaciones),
01.7 jacobiana de la softmax.
"""

import numpy as np

from coursekit.exercises.core import (
    Case, CustomExercise, Failed, FunctionExercise, LearnerError, Mistake, register, require,
)
from coursekit.exercises.references import reference
from coursekit.exercises.model_checks import require_model
from coursekit.messages import msg


# ---------------------------------------------------------------------------
# 01.1 · Sigmoide
# ---------------------------------------------------------------------------

@reference("01.1")
def sigmoid(z):
    """Sigmoide elemento a elemento, sin desbordamientos. z: número o array -> misma forma."""
    z = np.asarray(z, dtype=float)
    with np.errstate(under="ignore"):  # e^(−1000) se redondea a 0: inofensivo
        ez = np.exp(-np.abs(z))  # siempre en [0, 1]: nunca desborda
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


def _sigmoid_sign(z):
    return 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float)))


def _sigmoid_no_one(z):
    return 1.0 / np.exp(-np.asarray(z, dtype=float))


def _sigmoid_exp_ratio(z):
    ez = np.exp(np.asarray(z, dtype=float))
    return ez / (1.0 + ez)


def _sigmoid_math(z):
    import math

    return 1.0 / (1.0 + math.exp(-z))


def _sigmoid_cases(rng):
    return [
        Case("vector aleatorio", (rng.normal(0.0, 4.0, size=int(rng.integers(5, 21))),)),
        Case("matriz aleatoria 3×4", (rng.normal(0.0, 3.0, size=(3, 4)),)),
        Case("el número 0.0", (0.0,)),
        Case("valores muy grandes en valor absoluto (±50, ±1000)",
             (np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]),)),
    ]


register(FunctionExercise(
    id="01.1",
    title="La función sigmoide",
    target="sigmoid",
    reference=sigmoid,
    cases=_sigmoid_cases,
    points=1,
    mistakes=[
        Mistake("ex.01.1.sign", _sigmoid_sign),
        Mistake("ex.01.1.no_one", _sigmoid_no_one),
    ],
    hints=["ex.01.1.hint1", "ex.01.1.hint2", "ex.01.1.hint3"],
    rtol=1e-6, atol=1e-10,
))


# ---------------------------------------------------------------------------
# 01.2 · Derivada de la sigmoide
# ---------------------------------------------------------------------------

@reference("01.2")
def sigmoid_derivative(z):
    """Derivada σ'(z) = σ(z)·(1 − σ(z)) elemento a elemento. z: número o array -> misma forma."""
    s = sigmoid(z)
    return s * (1.0 - s)


def _derivative_from_z(z):
    z = np.asarray(z, dtype=float)
    return z * (1.0 - z)


def _derivative_tanh_formula(z):
    return 1.0 - sigmoid(z) ** 2


def _derivative_sigmoid_itself(z):
    return sigmoid(z)


def _derivative_exp_formula(z):
    e = np.exp(-np.asarray(z, dtype=float))
    return e / (1.0 + e) ** 2


def _derivative_cases(rng):
    return [
        Case("vector aleatorio", (rng.normal(0.0, 3.0, size=int(rng.integers(5, 21))),)),
        Case("matriz aleatoria 2×5", (rng.normal(0.0, 2.0, size=(2, 5)),)),
        Case("el número 0.0", (0.0,)),
        Case("valores muy grandes en valor absoluto (±30, ±1000)",
             (np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0]),)),
    ]


register(FunctionExercise(
    id="01.2",
    title="La derivada de la sigmoide",
    target="sigmoid_derivative",
    reference=sigmoid_derivative,
    cases=_derivative_cases,
    points=1,
    mistakes=[
        Mistake("ex.01.2.from_z", _derivative_from_z),
        Mistake("ex.01.2.tanh_formula", _derivative_tanh_formula),
        Mistake("ex.01.2.sigmoid_itself", _derivative_sigmoid_itself),
    ],
    hints=["ex.01.2.hint1", "ex.01.2.hint2", "ex.01.2.hint3"],
    rtol=1e-6, atol=1e-10,
))


# ---------------------------------------------------------------------------
# 01.3 · Softmax estable
# ---------------------------------------------------------------------------

@reference("01.3")
def softmax(Z):
    """Softmax sobre el último eje, numéricamente estable. Z: (..., k) -> (..., k), cada fila suma 1."""
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def _softmax_naive(Z):
    E = np.exp(np.asarray(Z, dtype=float))
    return E / E.sum(axis=-1, keepdims=True)


def _softmax_axis0(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def _softmax_global_sum(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum()


def _softmax_global_max(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=-1, keepdims=True)


def _softmax_cases(rng):
    n = int(rng.integers(3, 7))
    k = n + int(rng.integers(1, 5))  # k ≠ n: así se nota el eje equivocado
    return [
        Case(f"matriz aleatoria de {n} filas y {k} columnas", (rng.normal(0.0, 2.0, size=(n, k)),)),
        Case("vector de 5 puntuaciones", (rng.normal(0.0, 2.0, size=5),)),
        Case("tensor aleatorio de forma (2, 3, 4)", (rng.normal(0.0, 2.0, size=(2, 3, 4)),)),
        Case("puntuaciones muy grandes ([1000, 1001, 1002])",
             (np.array([[1000.0, 1001.0, 1002.0], [-5.0, 0.0, 5.0]]),)),
        Case("filas con escalas muy distintas ([1000, 999] y [-1000, -1001])",
             (np.array([[1000.0, 999.0], [-1000.0, -1001.0]]),)),
    ]


register(FunctionExercise(
    id="01.3",
    title="Softmax numéricamente estable",
    target="softmax",
    reference=softmax,
    cases=_softmax_cases,
    points=2,
    mistakes=[
        Mistake("ex.01.3.overflow", _softmax_naive),
        Mistake("ex.01.3.axis", _softmax_axis0),
        Mistake("ex.01.3.global_sum", _softmax_global_sum),
        Mistake("ex.01.3.global_max", _softmax_global_max),
    ],
    hints=["ex.01.3.hint1", "ex.01.3.hint2", "ex.01.3.hint3"],
    rtol=1e-6, atol=1e-10,
))


# ---------------------------------------------------------------------------
# 01.4 · Una neurona: suma ponderada + sesgo + activación
# ---------------------------------------------------------------------------

_ACTIVATIONS = {
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
}


@reference("01.4")
def neuron(X, w, b, activation):
    """Salida de una neurona para n ejemplos. X: (n, d), w: (d,), b: número, activation: "sigmoid" | "tanh" | "relu" -> (n,)."""
    z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b
    return _ACTIVATIONS[activation](z)


def _neuron_no_bias(X, w, b, activation):
    return _ACTIVATIONS[activation](np.asarray(X, dtype=float) @ np.asarray(w, dtype=float))


def _neuron_no_activation(X, w, b, activation):
    return np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b


def _neuron_bias_outside(X, w, b, activation):
    return _ACTIVATIONS[activation](np.asarray(X, dtype=float) @ np.asarray(w, dtype=float)) + b


def _neuron_column(X, w, b, activation):
    return neuron(X, w, b, activation).reshape(-1, 1)


def _neuron_cases(rng):
    n, d = int(rng.integers(4, 9)), int(rng.integers(2, 6))

    def draw(size_n):
        X = rng.normal(size=(size_n, d))
        w = rng.normal(size=d)
        b = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.0))  # sesgo nunca cercano a 0
        return X, w, b

    cases = []
    for activation, label in (("sigmoid", "sigmoide"), ("tanh", "tangente hiperbólica"), ("relu", "ReLU")):
        X, w, b = draw(n)
        cases.append(Case(f"{n} ejemplos con {d} entradas y activación {label}", (X, w, b, activation)))
    X, w, b = draw(1)
    cases.append(Case("un solo ejemplo (X de forma (1, d))", (X, w, b, "sigmoid")))
    return cases


register(FunctionExercise(
    id="01.4",
    title="Una neurona: suma ponderada, sesgo y activación",
    target="neuron",
    reference=neuron,
    cases=_neuron_cases,
    points=2,
    mistakes=[
        Mistake("ex.01.4.column", _neuron_column),
        Mistake("ex.01.4.no_bias", _neuron_no_bias),
        Mistake("ex.01.4.no_activation", _neuron_no_activation),
        Mistake("ex.01.4.bias_outside", _neuron_bias_outside),
    ],
    hints=["ex.01.4.hint1", "ex.01.4.hint2", "ex.01.4.hint3"],
    rtol=1e-6, atol=1e-10,
))


# ---------------------------------------------------------------------------
# 01.5 · Regla de aprendizaje del perceptrón
# ---------------------------------------------------------------------------

@reference("01.5")
def train_perceptron(X, y, lr=1.0, num_epochs=10):
    """Entrena un perceptrón con su regla de aprendizaje. X: (n, d), y: (n,) en {0, 1} -> (w: (d,), b: float)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(num_epochs):
        for x_i, y_i in zip(X, y):
            y_hat = 1.0 if x_i @ w + b > 0 else 0.0
            error = y_i - y_hat
            w = w + lr * error * x_i
            b = b + lr * error
    return w, b


TRUTH_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATES = {"AND": np.array([0, 0, 0, 1]), "OR": np.array([0, 1, 1, 1]), "NAND": np.array([1, 1, 1, 0])}


def _fmt(values):
    return "[" + ", ".join(f"{v:.3g}" for v in np.ravel(values)) + "]"


def _unpack_weights(result, d):
    """(w, b) devuelto por el alumno -> w: (d,) float, b: float; Failed si la forma no encaja."""
    require(isinstance(result, (tuple, list)) and len(result) == 2, "ex.01.5.format",
            mistake=True, type=type(result).__name__)
    w = np.asarray(result[0], dtype=float)
    b = np.asarray(result[1], dtype=float)
    require(w.size == d, "ex.01.5.w_size", size=w.size, d=d)
    require(b.size == 1, "ex.01.5.b_size", size=b.size)
    w, b = w.ravel(), float(b.ravel()[0])
    require(bool(np.all(np.isfinite(w))) and np.isfinite(b), "cmp.nan", count=int((~np.isfinite(w)).sum()), where="w")
    return w, b


def _perceptron_predict(X, w, b):
    return (X @ w + b > 0).astype(int)


def _separable_dataset(rng, n=60, d=3, margin=0.15):
    """Datos linealmente separables con un margen: X (n, d) en [-1, 1], y (n,) en {0, 1} con las dos clases."""
    while True:
        w_true = rng.normal(size=d)
        w_true /= np.linalg.norm(w_true)
        b_true = rng.uniform(-0.3, 0.3)
        X = rng.uniform(-1.0, 1.0, size=(4 * n, d))
        z = X @ w_true + b_true
        keep = np.abs(z) > margin
        X, z = X[keep][:n], z[keep][:n]
        y = (z > 0).astype(int)
        if len(y) == n and 0.2 < y.mean() < 0.8:
            return X, y


def _check_perceptron(probe, rng):
    # 1) Un único paso: un ejemplo mal clasificado, tasa de aprendizaje 0.5.
    x1 = np.array([[1.0, 2.0]])
    w, b = _unpack_weights(probe.call(x1, np.array([1]), 0.5, 1), 2)
    expected_w, expected_b = np.array([0.5, 1.0]), 0.5
    if not (np.allclose(w, expected_w) and np.isclose(b, expected_b)):
        if np.allclose(w, -expected_w) and np.isclose(b, -expected_b):
            raise Failed(msg("ex.01.5.sign_flipped"), mistake="ex.01.5.sign_flipped")
        if np.allclose(w, expected_w) and b == 0.0:
            raise Failed(msg("ex.01.5.bias_not_updated"), mistake="ex.01.5.bias_not_updated")
        if np.allclose(w, 2 * expected_w) and np.isclose(b, 2 * expected_b):
            raise Failed(msg("ex.01.5.lr_ignored"), mistake="ex.01.5.lr_ignored")
        if np.allclose(w, 0.0) and b == 0.0:
            raise Failed(msg("ex.01.5.no_update"), mistake="ex.01.5.no_update")
        raise Failed(msg("ex.01.5.first_step", w=_fmt(w), b=f"{b:.3g}"), key="ex.01.5.first_step")
    # 2) Puertas lógicas linealmente separables: 100 % de aciertos.
    for gate in ("AND", "OR", "NAND"):
        target = GATES[gate]
        w, b = _unpack_weights(probe.call(TRUTH_INPUTS.copy(), target.copy(), 1.0, 20), 2)
        predicted = _perceptron_predict(TRUTH_INPUTS, w, b)
        hits = int((predicted == target).sum())
        require(hits == 4, "ex.01.5.gate", gate=gate, hits=hits)
    # 3) Datos aleatorios linealmente separables (nuevos en cada comprobación): ≥ 95 %.
    X, y = _separable_dataset(rng)
    w, b = _unpack_weights(probe.call(X.copy(), y.copy(), 0.1, 50), X.shape[1])
    acc = float(np.mean(_perceptron_predict(X, w, b) == y))
    require(acc >= 0.95, "ex.01.5.separable", acc=acc)


register(CustomExercise(
    id="01.5",
    title="La regla de aprendizaje del perceptrón",
    target="train_perceptron",
    checks=_check_perceptron,
    points=3,
    hints=["ex.01.5.hint1", "ex.01.5.hint2", "ex.01.5.hint3"],
))


# ---------------------------------------------------------------------------
# 01.6 · Un clasificador de tamaño cualquiera (Keras con softmax, PyTorch con puntuaciones)
# ---------------------------------------------------------------------------

def dense_param_count(num_inputs, hidden_units, num_classes):
    """Parámetros de una red densa num_inputs -> hidden_units... -> num_classes."""
    sizes = [num_inputs, *hidden_units, num_classes]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


@reference("01.6")
def build_classifier(num_inputs, hidden_units, num_classes):
    """Modelo de Keras sin entrenar: num_inputs -> Dense(h, ReLU) por cada h de hidden_units -> Dense(num_classes, softmax)."""
    import keras

    layers = [keras.Input(shape=(num_inputs,))]
    for units in hidden_units:
        layers.append(keras.layers.Dense(units, activation="relu"))
    layers.append(keras.layers.Dense(num_classes, activation="softmax"))
    return keras.Sequential(layers)


def _classifier_configs(rng):
    """Tres arquitecturas: una capa oculta, dos capas ocultas y ninguna (un modelo lineal)."""
    return [
        (784, [int(rng.integers(8, 30))], 10),
        (int(rng.integers(20, 80)), [int(rng.integers(10, 30)), int(rng.integers(4, 12))], int(rng.integers(3, 7))),
        (int(rng.integers(5, 30)), [], int(rng.integers(3, 6))),
    ]


def _check_classifier(probe, rng):
    for num_inputs, hidden, num_classes in _classifier_configs(rng):
        args = (num_inputs, list(hidden), num_classes)
        try:
            description = probe.inspect("describe_model", (num_inputs,), call_args=args)
        except LearnerError as err:
            # Un Sequential de Keras sin keras.Input no está construido: no tiene parámetros ni forma de salida.
            if "isn't built" in err.error or "never been called" in err.error:
                raise Failed(msg("ex.01.6.not_built"), mistake="ex.01.6.not_built") from None
            raise
        require_model(description)
        if description["framework"] == "keras":
            require_model(description, kinds=["Dense"] * (len(hidden) + 1))
            require_model(description, output_shapes=[(None, h) for h in hidden] + [(None, num_classes)])
            require_model(description, activations=["relu"] * len(hidden) + ["softmax"])
        else:  # PyTorch: Linear, ReLU, ..., Linear; la última capa da puntuaciones (logits)
            kinds = [layer["kind"] for layer in description["layers"]]
            require(not kinds or kinds[-1] not in ("Softmax", "LogSoftmax", "Sigmoid"), "ex.01.6.torch_softmax",
                    mistake=True)
            require_model(description, kinds=["Linear", "ReLU"] * len(hidden) + ["Linear"])
            shapes = []
            for h in hidden:
                shapes += [(None, h), None]
            require_model(description, output_shapes=shapes + [(None, num_classes)])
        require_model(description, params=dense_param_count(num_inputs, hidden, num_classes))
        # Comportamiento: predicciones con entradas nuevas.
        X = rng.random((5, num_inputs)).astype(np.float32)
        P = np.asarray(probe.inspect("predict", X, call_args=args), dtype=float)
        require(P.shape == (5, num_classes), "cmp.shape", actual=P.shape, expected=(5, num_classes))
        if description["framework"] == "keras":
            require(bool(np.all(P >= 0)) and np.allclose(P.sum(axis=1), 1.0, atol=1e-4), "ex.01.6.rows_sum",
                    mistake=True)


register(CustomExercise(
    id="01.6",
    title="Un clasificador de cualquier tamaño",
    target="build_classifier",
    checks=_check_classifier,
    points=2,
    hints=["ex.01.6.hint1", "ex.01.6.hint2", "ex.01.6.hint3"],
))


# ---------------------------------------------------------------------------
# 01.7 · La jacobiana de la softmax
# ---------------------------------------------------------------------------

@reference("01.7")
def softmax_jacobian(z):
    """Jacobiana de la softmax en z. z: (k,) -> J: (k, k) con J[i, j] = ∂s_i/∂z_j."""
    s = softmax(np.asarray(z, dtype=float))
    return np.diag(s) - np.outer(s, s)


def _jacobian_diagonal_only(z):
    s = softmax(np.asarray(z, dtype=float))
    return np.diag(s * (1.0 - s))


def _jacobian_sign(z):
    s = softmax(np.asarray(z, dtype=float))
    return np.outer(s, s) - np.diag(s)


def _jacobian_no_diag(z):
    s = softmax(np.asarray(z, dtype=float))
    return -np.outer(s, s)


def _jacobian_naive(z):
    e = np.exp(np.asarray(z, dtype=float))
    s = e / e.sum()
    return np.diag(s) - np.outer(s, s)


def _jacobian_identity(z):
    s = softmax(np.asarray(z, dtype=float))
    return np.eye(len(s)) - np.outer(s, s)


def _jacobian_cases(rng):
    k = int(rng.integers(3, 7))
    return [
        Case(f"vector aleatorio de {k} puntuaciones", (rng.normal(0.0, 2.0, size=k),)),
        Case("dos clases ([1.5, 0])", (np.array([1.5, 0.0]),)),
        Case("puntuaciones iguales ([0, 0, 0, 0])", (np.zeros(4),)),
        Case("puntuaciones muy grandes ([1000, 1001, 998])", (np.array([1000.0, 1001.0, 998.0]),)),
    ]


register(FunctionExercise(
    id="01.7",
    title="La jacobiana de la softmax",
    target="softmax_jacobian",
    reference=softmax_jacobian,
    cases=_jacobian_cases,
    points=2,
    mistakes=[
        Mistake("ex.01.7.overflow", _jacobian_naive),
        Mistake("ex.01.7.diagonal_only", _jacobian_diagonal_only),
        Mistake("ex.01.7.sign", _jacobian_sign),
        Mistake("ex.01.7.identity", _jacobian_identity),
        Mistake("ex.01.7.no_diag", _jacobian_no_diag),
    ],
    hints=["ex.01.7.hint1", "ex.01.7.hint2", "ex.01.7.hint3"],
    rtol=1e-6, atol=1e-10,
))


# ---------------------------------------------------------------------------
# Autovalidación (tests/test_exercises.py)
# ---------------------------------------------------------------------------

def _perceptron_no_bias(X, y, lr=1.0, num_epochs=10):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(num_epochs):
        for x_i, y_i in zip(X, y):
            error = y_i - (1.0 if x_i @ w + b > 0 else 0.0)
            w = w + lr * error * x_i
    return w, b


def _perceptron_sign_flipped(X, y, lr=1.0, num_epochs=10):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(num_epochs):
        for x_i, y_i in zip(X, y):
            error = (1.0 if x_i @ w + b > 0 else 0.0) - y_i
            w = w + lr * error * x_i
            b = b + lr * error
    return w, b


def _perceptron_lr_ignored(X, y, lr=1.0, num_epochs=10):
    return train_perceptron(X, y, 1.0, num_epochs)


def _perceptron_only_w(X, y, lr=1.0, num_epochs=10):
    return train_perceptron(X, y, lr, num_epochs)[0]


def _classifier_sigmoid_output(num_inputs, hidden_units, num_classes):
    import keras

    layers = [keras.Input(shape=(num_inputs,))]
    layers += [keras.layers.Dense(units, activation="relu") for units in hidden_units]
    layers.append(keras.layers.Dense(num_classes, activation="sigmoid"))
    return keras.Sequential(layers)


def _classifier_fixed_hidden(num_inputs, hidden_units, num_classes):
    import keras

    return keras.Sequential([
        keras.Input(shape=(num_inputs,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])


def _classifier_without_input(num_inputs, hidden_units, num_classes):
    import keras

    layers = [keras.layers.Dense(units, activation="relu") for units in hidden_units]
    layers.append(keras.layers.Dense(num_classes, activation="softmax"))
    return keras.Sequential(layers)


def _classifier_torch_softmax(num_inputs, hidden_units, num_classes):
    from torch import nn

    sizes, layers = [num_inputs, *hidden_units], []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], num_classes), nn.Softmax(dim=1))


def _classifier_torch(num_inputs, hidden_units, num_classes):
    from torch import nn

    sizes, layers = [num_inputs, *hidden_units], []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], num_classes))


WRONG_VARIANTS = {
    "01.1": [
        (_sigmoid_sign, "ex.01.1.sign"),
        (_sigmoid_exp_ratio, "cmp.nan"),
        (_sigmoid_math, "check.learner_error"),
    ],
    "01.2": [
        (_derivative_from_z, "ex.01.2.from_z"),
        (_derivative_tanh_formula, "ex.01.2.tanh_formula"),
        (_derivative_exp_formula, "cmp.nan"),
    ],
    "01.3": [
        (_softmax_naive, "ex.01.3.overflow"),
        (_softmax_axis0, "ex.01.3.axis"),
        (_softmax_global_sum, "ex.01.3.global_sum"),
        (_softmax_global_max, "ex.01.3.global_max"),
    ],
    "01.4": [
        (_neuron_no_bias, "ex.01.4.no_bias"),
        (_neuron_bias_outside, "ex.01.4.bias_outside"),
        (_neuron_no_activation, "ex.01.4.no_activation"),
        (_neuron_column, "ex.01.4.column"),
    ],
    "01.5": [
        (_perceptron_no_bias, "ex.01.5.bias_not_updated"),
        (_perceptron_sign_flipped, "ex.01.5.sign_flipped"),
        (_perceptron_lr_ignored, "ex.01.5.lr_ignored"),
        (_perceptron_only_w, "ex.01.5.format"),
    ],
    "01.6": [
        (_classifier_sigmoid_output, "model.activation"),
        (_classifier_fixed_hidden, "model.output_shape"),
        (_classifier_without_input, "ex.01.6.not_built"),
        (_classifier_torch_softmax, "ex.01.6.torch_softmax"),
    ],
    "01.7": [
        (_jacobian_naive, "ex.01.7.overflow"),
        (_jacobian_diagonal_only, "ex.01.7.diagonal_only"),
        (_jacobian_sign, "ex.01.7.sign"),
        (_jacobian_identity, "ex.01.7.identity"),
    ],
}
