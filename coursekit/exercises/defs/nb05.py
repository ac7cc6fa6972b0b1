"""Ejercicios del cuaderno 05 · Regularización.

Five plain NumPy functions, each the "by hand" version of a regularisation tool that the
notebook then compares with Keras and PyTorch: the L2 penalty and its gradient on the
weights only (05.1), inverted dropout with the uniform noise given (05.2), early stopping
on a validation curve (05.3), the batch-normalisation forward pass with PyTorch's
conventions (05.4) and the majority vote of an ensemble (05.5).

The wrong variants are private helpers that never call the registered references (a
reference refuses to run inside learner code).
"""

import numpy as np

from coursekit.exercises.core import Case, FunctionExercise, Mistake, register
from coursekit.exercises.references import reference

# ---------------------------------------------------------------------------
# 05.1 · Penalización L2 solo en los pesos
# ---------------------------------------------------------------------------


def _l2(params, lam, weight_factor=1.0, grad_factor=1.0, penalise_biases=False, sign=1.0, l1=False):
    penalty = 0.0
    grads = {}
    for name, value in params.items():
        value = np.asarray(value, dtype=float)
        if name.startswith("W") or penalise_biases:
            penalty += weight_factor * lam / 2 * float(np.sum(np.abs(value) if l1 else value ** 2))
            grads[name] = sign * grad_factor * lam * value
        else:
            grads[name] = np.zeros_like(value)
    return penalty, grads


@reference("05.1")
def l2_penalty_and_grads(params, lam):
    """(λ/2)·Σ‖W‖² sobre los pesos y su gradiente; los sesgos (claves «b…») no se penalizan."""
    penalty = 0.0
    grads = {}
    for name, value in params.items():
        value = np.asarray(value, dtype=float)
        if name.startswith("W"):
            penalty += lam / 2 * float(np.sum(value ** 2))
            grads[name] = lam * value
        else:
            grads[name] = np.zeros_like(value)
    return penalty, grads


def _l2_biases_too(params, lam):
    return _l2(params, lam, penalise_biases=True)


def _l2_no_half(params, lam):
    return _l2(params, lam, weight_factor=2.0)


def _l2_grad_twice(params, lam):
    return _l2(params, lam, grad_factor=2.0)


def _l2_grad_sign(params, lam):
    return _l2(params, lam, sign=-1.0)


def _l2_abs(params, lam):
    return _l2(params, lam, l1=True)


def _random_params(rng, sizes):
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.normal(0.0, 1.0, size=(n_in, n_out))
        params[f"b{i}"] = rng.normal(0.5, 1.0, size=(n_out,))
    return params


def _l2_cases(rng):
    return [
        Case("red 4 → 3 → 2 con λ = 0,1", (_random_params(rng, [4, 3, 2]), 0.1)),
        Case("red 6 → 5 → 4 → 3 con λ aleatorio",
             (_random_params(rng, [6, 5, 4, 3]), float(rng.uniform(0.01, 1.0)))),
        Case("una sola capa 3 → 1 con λ = 2", (_random_params(rng, [3, 1]), 2.0)),
        Case("λ = 0: no hay penalización", (_random_params(rng, [3, 2]), 0.0)),
    ]


register(FunctionExercise(
    "05.1", "Penalización L2 solo en los pesos", "l2_penalty_and_grads",
    reference=l2_penalty_and_grads, cases=_l2_cases, points=2, rtol=1e-7, atol=1e-10,
    parts=("penalty", "grads"), parts_key="ex.05.1.parts",
    mistakes=[
        Mistake("ex.05.1.biases_penalised", _l2_biases_too),
        Mistake("ex.05.1.no_half", _l2_no_half),
        Mistake("ex.05.1.grad_twice", _l2_grad_twice),
        Mistake("ex.05.1.grad_sign", _l2_grad_sign),
        Mistake("ex.05.1.abs", _l2_abs),
    ],
    hints=["ex.05.1.hint1", "ex.05.1.hint2", "ex.05.1.hint3"],
))


# ---------------------------------------------------------------------------
# 05.2 · Dropout invertido
# ---------------------------------------------------------------------------


def _dropout(X, rate, U, training, scale="inverted", reversed_mask=False, at_inference=False):
    X = np.asarray(X, dtype=float)
    U = np.asarray(U, dtype=float)
    if not training and not at_inference:
        return X.copy()
    keep = (U < rate) if reversed_mask else (U >= rate)
    factor = {"inverted": 1.0 / (1.0 - rate), "none": 1.0, "rate": 1.0 / rate if rate else 1.0}[scale]
    return X * keep * factor


@reference("05.2")
def inverted_dropout(X, rate, U, training):
    """Dropout invertido: se conserva cada unidad con U ≥ rate y se divide entre (1 − rate)."""
    X = np.asarray(X, dtype=float)
    if not training:
        return X.copy()
    keep = np.asarray(U) >= rate
    return X * keep / (1.0 - rate)


def _dropout_no_scale(X, rate, U, training):
    return _dropout(X, rate, U, training, scale="none")


def _dropout_scale_rate(X, rate, U, training):
    return _dropout(X, rate, U, training, scale="rate")


def _dropout_reversed(X, rate, U, training):
    return _dropout(X, rate, U, training, reversed_mask=True)


def _dropout_at_inference(X, rate, U, training):
    return _dropout(X, rate, U, training, at_inference=True)


def _dropout_cases(rng):
    def draw(shape, rate, training):
        X = rng.normal(0.0, 1.0, size=shape) + 1.0
        U = rng.uniform(0.0, 1.0, size=shape)
        return (X, rate, U, training)

    rate = float(rng.uniform(0.2, 0.4))
    edge_U = np.array([[0.1, 0.3, 0.5, 0.7]])
    return [
        Case("minilote 5 × 8 con rate = 0,5, entrenamiento", draw((5, 8), 0.5, True)),
        Case("minilote 16 × 10 con rate aleatorio, entrenamiento", draw((16, 10), rate, True)),
        Case("U justo igual a rate (se conserva), rate = 0,3", (np.ones((1, 4)), 0.3, edge_U, True)),
        Case("minilote 6 × 4 en inferencia (training=False)", draw((6, 4), 0.5, False)),
        Case("rate = 0: no se apaga nada", draw((3, 5), 0.0, True)),
    ]


register(FunctionExercise(
    "05.2", "Dropout invertido", "inverted_dropout",
    reference=inverted_dropout, cases=_dropout_cases, points=2, rtol=1e-7, atol=1e-10,
    mistakes=[
        Mistake("ex.05.2.no_scale", _dropout_no_scale),
        Mistake("ex.05.2.scale_rate", _dropout_scale_rate),
        Mistake("ex.05.2.reversed_mask", _dropout_reversed),
        Mistake("ex.05.2.at_inference", _dropout_at_inference),
    ],
    hints=["ex.05.2.hint1", "ex.05.2.hint2", "ex.05.2.hint3"],
))


# ---------------------------------------------------------------------------
# 05.3 · ¿Cuándo parar? Parada temprana sobre una curva de validación
# ---------------------------------------------------------------------------


def _stopping(val_losses, patience, min_delta=0.0, use_delta=True, ties=False, extra=0, maximise=False):
    best_index, best_value = 0, None
    for index, value in enumerate(val_losses):
        value = float(value)
        if maximise:
            value = -value
        delta = min_delta if use_delta else 0.0
        if best_value is None:
            better = True
        elif ties:
            better = value <= best_value - delta
        else:
            better = value < best_value - delta
        if better:
            best_index, best_value = index, value
    stop = (len(val_losses) - 1 - best_index) >= patience + extra
    return best_index, bool(stop)


@reference("05.3")
def early_stopping(val_losses, patience, min_delta=0.0):
    """(índice de la mejor época, ¿parar ya?) para las pérdidas de validación vistas hasta ahora."""
    best_index, best_value = 0, float(val_losses[0])
    for index in range(1, len(val_losses)):
        value = float(val_losses[index])
        if value < best_value - min_delta:  # mejora de verdad: al menos min_delta
            best_index, best_value = index, value
    waited = len(val_losses) - 1 - best_index
    return best_index, bool(waited >= patience)


def _stop_off_by_one(val_losses, patience, min_delta=0.0):
    return _stopping(val_losses, patience, min_delta, extra=1)


def _stop_ignores_delta(val_losses, patience, min_delta=0.0):
    return _stopping(val_losses, patience, min_delta, use_delta=False)


def _stop_ties(val_losses, patience, min_delta=0.0):
    return _stopping(val_losses, patience, min_delta, ties=True)


def _stop_maximise(val_losses, patience, min_delta=0.0):
    return _stopping(val_losses, patience, min_delta, maximise=True)


def _u_curve(rng, n, best):
    """A validation curve that falls until ``best`` and then rises, with a little noise."""
    epochs = np.arange(n)
    curve = 0.3 + 0.02 * (epochs - best) ** 2 / max(best, 1) + rng.uniform(0.0, 0.004, size=n)
    curve[best] = curve.min() - 0.01
    return [float(v) for v in curve]


def _stopping_cases(rng):
    best = int(rng.integers(3, 7))
    patience = int(rng.integers(2, 4))
    rising = _u_curve(rng, best + patience + 1, best)
    return [
        Case("curva en U que lleva exactamente «patience» épocas sin mejorar", (rising, patience)),
        Case("la misma curva una época antes (todavía no se para)", (rising[:-1], patience)),
        Case("curva que no deja de bajar", ([1.0, 0.8, 0.7, 0.65, 0.6, 0.58], 2)),
        Case("un empate con la mejor pérdida no cuenta como mejora",
             ([0.9, 0.5, 0.6, 0.5, 0.7], 3)),
        Case("mejoras menores que min_delta no cuentan",
             ([0.9, 0.5, 0.495, 0.49, 0.492], 3), {"min_delta": 0.02}),
        Case("una sola época", ([0.7], 1)),
        Case("curva aleatoria", ([float(v) for v in rng.uniform(0.2, 1.0, size=12)], 3)),
    ]


register(FunctionExercise(
    "05.3", "Parada temprana: la mejor época y cuándo parar", "early_stopping",
    reference=early_stopping, cases=_stopping_cases, points=2, rtol=0, atol=0,
    parts=("best_epoch", "stop"), parts_key="ex.05.3.parts",
    mistakes=[
        Mistake("ex.05.3.off_by_one", _stop_off_by_one),
        Mistake("ex.05.3.ties", _stop_ties),
        Mistake("ex.05.3.min_delta", _stop_ignores_delta),
        Mistake("ex.05.3.maximise", _stop_maximise),
    ],
    hints=["ex.05.3.hint1", "ex.05.3.hint2", "ex.05.3.hint3"],
))


# ---------------------------------------------------------------------------
# 05.4 · Normalización por lotes, hacia delante
# ---------------------------------------------------------------------------


def _bn(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5,
        unbiased_norm=False, biased_running=False, reversed_momentum=False, batch_at_inference=False,
        running_in_training=False):
    X = np.asarray(X, dtype=float)
    running_mean = np.asarray(running_mean, dtype=float)
    running_var = np.asarray(running_var, dtype=float)
    n = X.shape[0]
    if training or batch_at_inference:
        mean = X.mean(axis=0)
        var = X.var(axis=0, ddof=1 if unbiased_norm else 0)
        if running_in_training:
            mean, var = running_mean, running_var
        if training:
            new = X.var(axis=0, ddof=0 if biased_running else 1) if n > 1 else X.var(axis=0)
            m = 1.0 - momentum if reversed_momentum else momentum
            new_mean = (1.0 - m) * running_mean + m * X.mean(axis=0)
            new_var = (1.0 - m) * running_var + m * new
        else:
            new_mean, new_var = running_mean.copy(), running_var.copy()
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    out = np.asarray(gamma) * (X - mean) / np.sqrt(var + eps) + np.asarray(beta)
    return out, new_mean, new_var


@reference("05.4")
def batchnorm_forward(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """Normalización por lotes con las convenciones de PyTorch -> (salida, media móvil, varianza móvil)."""
    X = np.asarray(X, dtype=float)
    running_mean = np.asarray(running_mean, dtype=float)
    running_var = np.asarray(running_var, dtype=float)
    if training:
        n = X.shape[0]
        mean = X.mean(axis=0)
        var = X.var(axis=0)  # sesgada (entre n) para normalizar
        unbiased = var * n / (n - 1)  # insesgada (entre n − 1) para la media móvil
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var + momentum * unbiased
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    out = gamma * (X - mean) / np.sqrt(var + eps) + beta
    return out, new_mean, new_var


def _bn_unbiased_norm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return _bn(X, gamma, beta, running_mean, running_var, training, momentum, eps, unbiased_norm=True)


def _bn_biased_running(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return _bn(X, gamma, beta, running_mean, running_var, training, momentum, eps, biased_running=True)


def _bn_reversed_momentum(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return _bn(X, gamma, beta, running_mean, running_var, training, momentum, eps, reversed_momentum=True)


def _bn_batch_at_inference(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return _bn(X, gamma, beta, running_mean, running_var, training, momentum, eps, batch_at_inference=True)


def _bn_running_in_training(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    return _bn(X, gamma, beta, running_mean, running_var, training, momentum, eps, running_in_training=True)


def _bn_cases(rng):
    def draw(n, d, training, momentum=None):
        X = rng.normal(2.0, 3.0, size=(n, d))
        gamma = rng.uniform(0.5, 2.0, size=d)
        beta = rng.normal(0.0, 1.0, size=d)
        running_mean = rng.normal(0.0, 1.0, size=d)
        running_var = rng.uniform(0.5, 2.0, size=d)
        args = (X, gamma, beta, running_mean, running_var, training)
        return (args, {} if momentum is None else {"momentum": momentum})

    cases = [
        ("minilote 8 × 3 en entrenamiento", draw(8, 3, True)),
        ("minilote 4 × 5 en entrenamiento con momentum = 0,3", draw(4, 5, True, 0.3)),
        ("minilote 6 × 3 en inferencia (training=False)", draw(6, 3, False)),
        ("minilote de 2 ejemplos en entrenamiento", draw(2, 4, True)),
    ]
    return [Case(label, args, kwargs) for label, (args, kwargs) in cases]


register(FunctionExercise(
    "05.4", "Normalización por lotes, hacia delante", "batchnorm_forward",
    reference=batchnorm_forward, cases=_bn_cases, points=3, rtol=1e-6, atol=1e-9,
    parts=("out", "running_mean", "running_var"), parts_key="ex.05.4.parts",
    mistakes=[
        Mistake("ex.05.4.unbiased_norm", _bn_unbiased_norm),
        Mistake("ex.05.4.biased_running", _bn_biased_running),
        Mistake("ex.05.4.reversed_momentum", _bn_reversed_momentum),
        Mistake("ex.05.4.batch_at_inference", _bn_batch_at_inference),
        Mistake("ex.05.4.running_in_training", _bn_running_in_training),
    ],
    hints=["ex.05.4.hint1", "ex.05.4.hint2", "ex.05.4.hint3"],
))


# ---------------------------------------------------------------------------
# 05.5 · La votación de un conjunto (bagging)
# ---------------------------------------------------------------------------


@reference("05.5")
def majority_vote(predictions):
    """Clase más votada de cada ejemplo. predictions: (miembros, ejemplos) enteros -> (ejemplos,)."""
    predictions = np.asarray(predictions)
    n_classes = int(predictions.max()) + 1
    counts = np.zeros((n_classes, predictions.shape[1]), dtype=int)
    for member in predictions:
        counts[member, np.arange(predictions.shape[1])] += 1
    return counts.argmax(axis=0)  # en un empate, argmax da la clase menor


def _vote_counts(predictions):
    predictions = np.asarray(predictions)
    k = int(predictions.max()) + 1
    return np.stack([(predictions == c).sum(axis=0) for c in range(k)])


def _vote_mean(predictions):
    return np.rint(np.asarray(predictions).mean(axis=0)).astype(int)


def _vote_first(predictions):
    return np.asarray(predictions)[0].copy()


def _vote_largest_tie(predictions):
    counts = _vote_counts(predictions)
    return counts.shape[0] - 1 - counts[::-1].argmax(axis=0)


def _vote_axis(predictions):
    counts = _vote_counts(np.asarray(predictions).T)
    return counts.argmax(axis=0)


def _vote_cases(rng):
    truth = rng.integers(0, 10, size=40)
    members = np.where(rng.random((7, 40)) < 0.7, truth, rng.integers(0, 10, size=(7, 40)))
    three = rng.integers(0, 3, size=(5, 12))
    tie = np.array([[0, 2, 1, 3], [2, 0, 1, 3], [1, 1, 2, 0], [2, 1, 2, 0]])
    return [
        Case("7 miembros y 40 ejemplos, 10 clases", (members,)),
        Case("5 miembros y 12 ejemplos, 3 clases", (three,)),
        Case("empates: gana la clase menor", (tie,)),
        Case("un solo miembro", (rng.integers(0, 4, size=(1, 6)),)),
    ]


register(FunctionExercise(
    "05.5", "La votación de un conjunto", "majority_vote",
    reference=majority_vote, cases=_vote_cases, points=2, rtol=0, atol=0,
    mistakes=[
        Mistake("ex.05.5.axis", _vote_axis),
        Mistake("ex.05.5.mean", _vote_mean),
        Mistake("ex.05.5.first", _vote_first),
        Mistake("ex.05.5.largest_tie", _vote_largest_tie),
    ],
    hints=["ex.05.5.hint1", "ex.05.5.hint2", "ex.05.5.hint3"],
))


# ---------------------------------------------------------------------------
# Self-validation (tests/test_exercises.py)
# ---------------------------------------------------------------------------

WRONG_VARIANTS = {
    "05.1": [
        (_l2_biases_too, "ex.05.1.biases_penalised"),
        (_l2_no_half, "ex.05.1.no_half"),
        (_l2_grad_twice, "ex.05.1.grad_twice"),
        (_l2_grad_sign, "ex.05.1.grad_sign"),
        (_l2_abs, "ex.05.1.abs"),
    ],
    "05.2": [
        (_dropout_no_scale, "ex.05.2.no_scale"),
        (_dropout_scale_rate, "ex.05.2.scale_rate"),
        (_dropout_reversed, "ex.05.2.reversed_mask"),
        (_dropout_at_inference, "ex.05.2.at_inference"),
    ],
    "05.3": [
        (_stop_off_by_one, "ex.05.3.off_by_one"),
        (_stop_ties, "ex.05.3.ties"),
        (_stop_ignores_delta, "ex.05.3.min_delta"),
        (_stop_maximise, "ex.05.3.maximise"),
    ],
    "05.4": [
        (_bn_unbiased_norm, "ex.05.4.unbiased_norm"),
        (_bn_biased_running, "ex.05.4.biased_running"),
        (_bn_reversed_momentum, "ex.05.4.reversed_momentum"),
        (_bn_batch_at_inference, "ex.05.4.batch_at_inference"),
        (_bn_running_in_training, "ex.05.4.running_in_training"),
    ],
    "05.5": [
        (_vote_axis, "ex.05.5.axis"),
        (_vote_mean, "ex.05.5.mean"),
        (_vote_first, "ex.05.5.first"),
        (_vote_largest_tie, "ex.05.5.largest_tie"),
    ],
}
