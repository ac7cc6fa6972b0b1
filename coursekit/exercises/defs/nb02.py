"""Ejercicios del cuaderno 02 · Descenso del gradiente.

02.1 mse              — error cuadrático medio, robusto a formas (n, 1) frente a (n,).
02.2 mse_gradients    — gradientes (dw, db) de la MSE de la regresión lineal.
02.3 gd_quadratic     — descenso sobre una cuadrática con criterio de parada (trayectoria).
02.4 minibatch_epoch  — una época de SGD con minilotes (trayectoria de los parámetros).
02.5 binary_cross_entropy — entropía cruzada binaria con recorte de probabilidades.
02.6 critical_lr      — tasa de aprendizaje a partir de la cual diverge el descenso en ½ xᵀAx.
02.7 momentum_path    — descenso del gradiente con momento en una cuadrática.
02.8 softmax_cross_entropy — pérdida y gradientes de un clasificador softmax.
"""


import numpy as np

from coursekit.exercises.core import (
    Case,
    FunctionExercise,
    Mistake,
    register,
)
from coursekit.exercises.references import reference


def _frozen(*arrays):
    """Read-only copies, so that the reference and the known mistakes cannot change the inputs."""
    out = []
    for a in arrays:
        a = np.array(a, copy=True)
        a.flags.writeable = False
        out.append(a)
    return out


def _flat(a):
    return np.asarray(a, dtype=float).reshape(-1)


# ---------------------------------------------------------------- 02.1 · MSE

@reference("02.1")
def mse(y_pred, y):
    """Error cuadrático medio. y_pred: (n,) o (n, 1), y: (n,) -> float."""
    y_pred, y = _flat(y_pred), _flat(y)
    return float(np.mean((y_pred - y) ** 2))


def _mse_broadcast(y_pred, y):
    return float(np.mean((np.asarray(y_pred, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def _mse_sum(y_pred, y):
    return float(np.sum((_flat(y_pred) - _flat(y)) ** 2))


def _mse_square_of_mean(y_pred, y):
    return float(np.mean(_flat(y_pred) - _flat(y)) ** 2)


def _mse_rmse(y_pred, y):
    return float(np.sqrt(np.mean((_flat(y_pred) - _flat(y)) ** 2)))


def _mse_abs(y_pred, y):
    return float(np.mean(np.abs(_flat(y_pred) - _flat(y))))


def _mse_half(y_pred, y):
    return 0.5 * mse(y_pred, y)


def _mse_cases(rng):
    n = int(rng.integers(5, 40))
    y = rng.normal(0, 2, n)
    y_pred = y + rng.normal(0, 1, n)
    m = int(rng.integers(4, 30))
    y2 = rng.normal(0, 2, m)
    y_pred2 = (y2 + rng.normal(0.5, 1, m)).reshape(-1, 1)  # como la salida de un modelo
    big = rng.normal(0, 100, 8)
    return [
        Case("vectores de forma (n,)", tuple(_frozen(y_pred, y))),
        Case("y_pred con forma (n, 1) e y con forma (n,)", tuple(_frozen(y_pred2, y2))),
        Case("predicción perfecta", tuple(_frozen(y, y))),
        Case("un solo ejemplo", tuple(_frozen([3.0], [1.0]))),
        Case("enteros", tuple(_frozen(np.array([1, 2, 3, 4]), np.array([2, 2, 2, 2])))),
        Case("valores grandes", tuple(_frozen(big + 1.0, big))),
    ]


register(FunctionExercise(
    "02.1", "Error cuadrático medio", "mse", reference=mse, cases=_mse_cases, points=2,
    hints=["ex.02.1.hint1", "ex.02.1.hint2", "ex.02.1.hint3"],
    mistakes=[
        Mistake("ex.02.1.broadcast", _mse_broadcast),
        Mistake("ex.02.1.sum", _mse_sum),
        Mistake("ex.02.1.square_of_mean", _mse_square_of_mean),
        Mistake("ex.02.1.rmse", _mse_rmse),
        Mistake("ex.02.1.abs", _mse_abs),
        Mistake("ex.02.1.half", _mse_half),
    ],
    rtol=1e-6, atol=1e-9,
))


# ---------------------------------------------------------------- 02.2 · gradientes de la MSE

@reference("02.2")
def mse_gradients(X, y, w, b):
    """Gradientes de la MSE de y_hat = X @ w + b. X: (n, d), y: (n,), w: (d,), b: float -> (dw (d,), db)."""
    X, y, w = np.asarray(X, float), _flat(y), _flat(w)
    err = X @ w + b - y
    n = len(y)
    return 2 * X.T @ err / n, float(2 * err.mean())


def _grad_no_factor2(X, y, w, b):
    dw, db = mse_gradients(X, y, w, b)
    return dw / 2, db / 2


def _grad_sign(X, y, w, b):
    dw, db = mse_gradients(X, y, w, b)
    return -dw, -db


def _grad_no_mean(X, y, w, b):
    dw, db = mse_gradients(X, y, w, b)
    n = len(y)
    return dw * n, db * n


def _grad_db_vector(X, y, w, b):
    dw, _ = mse_gradients(X, y, w, b)
    err = np.asarray(X, float) @ _flat(w) + b - _flat(y)
    return dw, 2 * err / len(err)


def _grad_db_forgotten_mean(X, y, w, b):
    dw, db = mse_gradients(X, y, w, b)
    return dw, db * len(y)


def _grad_cases(rng):
    cases = []
    for label, n, d in (("datos aleatorios", int(rng.integers(6, 40)), int(rng.integers(2, 6))),
                        ("una sola variable (d = 1)", int(rng.integers(5, 20)), 1)):
        X = rng.normal(0, 1, (n, d))
        w = rng.normal(0, 1, d)
        y = X @ rng.normal(0, 1, d) + rng.normal(0, 0.5, n)
        b = float(rng.normal())
        cases.append(Case(label, (*_frozen(X, y, w), b)))
    X = rng.normal(0, 1, (7, 3))
    w = rng.normal(0, 1, 3)
    cases.append(Case("ajuste perfecto (gradiente nulo)", (*_frozen(X, X @ w + 0.5, w), 0.5)))
    cases.append(Case("un solo ejemplo", (*_frozen([[1.0, 2.0]], [3.0], [0.5, -1.0]), 0.0)))
    return cases


_grad_mistakes = [
    Mistake("ex.02.2.factor2", _grad_no_factor2),
    Mistake("ex.02.2.sign", _grad_sign),
    Mistake("ex.02.2.no_mean", _grad_no_mean),
    Mistake("ex.02.2.db_vector", _grad_db_vector),
    Mistake("ex.02.2.db_sum", _grad_db_forgotten_mean),
]

register(FunctionExercise(
    "02.2", "Gradientes de la MSE", "mse_gradients", reference=mse_gradients, cases=_grad_cases,
    mistakes=_grad_mistakes, parts=("dw", "db"), parts_key="ex.02.2.not_pair", rtol=1e-6, atol=1e-9,
    points=2, hints=["ex.02.2.hint1", "ex.02.2.hint2", "ex.02.2.hint3"],
))


# ---------------------------------------------------------------- 02.3 · descenso con criterio de parada

@reference("02.3")
def gd_quadratic(A, c, x0, lr, tol, max_steps):
    """Descenso en f(x) = ½ xᵀAx − cᵀx hasta que ‖∇f‖ < tol. A: (d, d), c: (d,), x0: (d,) -> (k + 1, d)."""
    A, c = np.asarray(A, float), _flat(c)
    x = _flat(x0).copy()
    path = [x]
    for _ in range(max_steps):
        g = A @ x - c
        if np.linalg.norm(g) < tol:
            break
        x = x - lr * g
        path.append(x)
    return np.array(path)


def _gd_missing_x0(A, c, x0, lr, tol, max_steps):
    return gd_quadratic(A, c, x0, lr, tol, max_steps)[1:]


def _gd_sign(A, c, x0, lr, tol, max_steps):
    with np.errstate(over="ignore", invalid="ignore"):
        return gd_quadratic(A, c, x0, -lr, tol, max_steps)


def _gd_aliasing(A, c, x0, lr, tol, max_steps):
    path = gd_quadratic(A, c, x0, lr, tol, max_steps)
    return np.repeat(path[-1:], len(path), axis=0)


def _gd_no_stop(A, c, x0, lr, tol, max_steps):
    return gd_quadratic(A, c, x0, lr, -1.0, max_steps)


def _gd_check_after(A, c, x0, lr, tol, max_steps):
    A, c = np.asarray(A, float), _flat(c)
    x = _flat(x0).copy()
    path = [x]
    for _ in range(max_steps):
        x = x - lr * (A @ x - c)
        path.append(x)
        if np.linalg.norm(A @ x - c) < tol:
            break
    return np.array(path)


def _gd_max_norm(A, c, x0, lr, tol, max_steps):
    A, c = np.asarray(A, float), _flat(c)
    x = _flat(x0).copy()
    path = [x]
    for _ in range(max_steps):
        g = A @ x - c
        if np.abs(g).max() < tol:
            break
        x = x - lr * g
        path.append(x)
    return np.array(path)


def _gd_stale_gradient(A, c, x0, lr, tol, max_steps):
    x0 = _flat(x0)
    g0 = np.asarray(A, float) @ x0 - _flat(c)
    steps = 0 if np.linalg.norm(g0) < tol else max_steps
    return np.array([x0 - k * lr * g0 for k in range(steps + 1)])


def _gd_double_A(A, c, x0, lr, tol, max_steps):
    return gd_quadratic(2 * np.asarray(A, float), c, x0, lr, tol, max_steps)


def _gd_plus_c(A, c, x0, lr, tol, max_steps):
    return gd_quadratic(A, -_flat(c), x0, lr, tol, max_steps)


def _random_quadratic(rng, d):
    """A simétrica con valores propios entre 1 y 5, c y x0 aleatorios, lr estable."""
    Q, _ = np.linalg.qr(rng.normal(0, 1, (d, d)))
    eigenvalues = rng.uniform(1, 5, d)
    A = Q @ np.diag(eigenvalues) @ Q.T
    A = (A + A.T) / 2
    lr = float(rng.uniform(0.5, 1.5) / eigenvalues.max())
    return A, rng.normal(0, 1, d), rng.normal(0, 3, d), lr


def _gd_cases(rng):
    cases = []
    for label, d in (("cuadrática aleatoria en 2-D", 2), ("cuadrática aleatoria en 4-D", 4)):
        A, c, x0, lr = _random_quadratic(rng, d)
        tol = float(10 ** rng.uniform(-4, -2))
        cases.append(Case(label, (*_frozen(A, c, x0), lr, tol, 1000)))
    A, c, x0, lr = _random_quadratic(rng, 3)
    cases.append(Case("se acaban los pasos (max_steps = 4)", (*_frozen(A, c, x0), lr, 1e-6, 4)))
    A, c, _, lr = _random_quadratic(rng, 2)
    cases.append(Case("x0 ya está en el mínimo", (*_frozen(A, c, np.linalg.solve(A, c)), lr, 1e-6, 50)))
    A = _frozen(np.diag([1.0, 4.0]))[0]
    cases.append(Case("x0 con números enteros", (A, *_frozen([0.0, 0.0], np.array([4, -2])), 0.2, 1e-3, 100)))
    return cases


register(FunctionExercise(
    "02.3", "Descenso con criterio de parada", "gd_quadratic",
    reference=gd_quadratic, cases=_gd_cases, points=2,
    hints=["ex.02.3.hint1", "ex.02.3.hint2", "ex.02.3.hint3"],
    mistakes=[
        Mistake("ex.02.3.missing_x0", _gd_missing_x0),
        Mistake("ex.02.3.sign", _gd_sign),
        Mistake("ex.02.3.aliasing", _gd_aliasing),
        Mistake("ex.02.3.no_stop", _gd_no_stop),
        Mistake("ex.02.3.check_after", _gd_check_after),
        Mistake("ex.02.3.max_norm", _gd_max_norm),
        Mistake("ex.02.3.stale_gradient", _gd_stale_gradient),
        Mistake("ex.02.3.double_A", _gd_double_A),
        Mistake("ex.02.3.plus_c", _gd_plus_c),
    ],
    rtol=1e-6, atol=1e-9,
))


# ---------------------------------------------------------------- 02.4 · una época con minilotes

@reference("02.4")
def minibatch_epoch(X, y, w, b, lr, batch_size, seed):
    """Una época de SGD con minilotes para y_hat = X @ w + b. X: (n, d), y: (n,), w: (d,) -> (W (k+1, d), B (k+1,))."""
    X, y = np.asarray(X, float), _flat(y)
    w, b = _flat(w).copy(), float(b)
    W, B = [w], [b]
    order = np.random.default_rng(seed).permutation(len(y))
    for start in range(0, len(y), batch_size):
        idx = order[start:start + batch_size]
        err = X[idx] @ w + b - y[idx]
        w = w - lr * 2 * X[idx].T @ err / len(idx)
        b = b - lr * 2 * float(err.mean())
        W.append(w)
        B.append(b)
    return np.array(W), np.array(B)


def _epoch_variant(X, y, w, b, lr, batch_size, seed, *, shuffle=True, drop_last=False,
                   full_gradient=False, divide_by_batch_size=False, stale=False, skip_start=False,
                   alias=False):
    X, y = np.asarray(X, float), _flat(y)
    w, b = _flat(w).copy(), float(b)
    n = len(y)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - batch_size + 1 if drop_last else n
    w0, b0 = w.copy(), b
    W, B = ([] if skip_start else [w]), ([] if skip_start else [b])
    for start in range(0, stop, batch_size):
        idx = np.arange(n) if full_gradient else order[start:start + batch_size]
        count = batch_size if divide_by_batch_size else len(idx)
        ww, bb = (w0, b0) if stale else (w, b)
        err = X[idx] @ ww + bb - y[idx]
        if alias:
            w -= lr * 2 * X[idx].T @ err / count
        else:
            w = w - lr * 2 * X[idx].T @ err / count
        b = b - lr * 2 * float(err.sum()) / count
        W.append(w)
        B.append(b)
    return np.array(W), np.array(B)


def _epoch_no_shuffle(*args):
    return _epoch_variant(*args, shuffle=False)


def _epoch_drop_last(*args):
    return _epoch_variant(*args, drop_last=True)


def _epoch_full_gradient(*args):
    return _epoch_variant(*args, full_gradient=True)


def _epoch_divide_by_batch_size(*args):
    return _epoch_variant(*args, divide_by_batch_size=True)


def _epoch_stale(*args):
    return _epoch_variant(*args, stale=True)


def _epoch_missing_start(*args):
    return _epoch_variant(*args, skip_start=True)


def _epoch_aliasing(*args):
    return _epoch_variant(*args, alias=True)


def _epoch_cases(rng):
    cases = []
    for label, n, d in (("datos aleatorios", int(rng.integers(20, 60)), int(rng.integers(2, 4))),
                        ("otra vez, con otros datos", int(rng.integers(20, 60)), 2)):
        batch_size = int(rng.integers(3, 9))
        if n % batch_size == 0:
            n += 1  # que el último minilote quede incompleto
        X = rng.normal(0, 1, (n, d))
        y = X @ rng.normal(0, 2, d) + 1.0 + rng.normal(0, 0.3, n)
        w = rng.normal(0, 1, d)
        cases.append(Case(label, (*_frozen(X, y, w), float(rng.normal()), 0.05, batch_size,
                                  int(rng.integers(0, 10_000)))))
    X = rng.normal(0, 1, (10, 2))
    y = X @ np.array([1.0, -1.0])
    cases.append(Case("batch_size = n (un solo paso)", (*_frozen(X, y, [0.0, 0.0]), 0.0, 0.1, 10, 3)))
    cases.append(Case("batch_size = 1 (SGD puro)", (*_frozen(X, y, [0.0, 0.0]), 0.0, 0.1, 1, 4)))
    return cases


_epoch_mistakes = [
    Mistake("ex.02.4.missing_start", _epoch_missing_start),
    Mistake("ex.02.4.aliasing", _epoch_aliasing),
    Mistake("ex.02.4.no_shuffle", _epoch_no_shuffle),
    Mistake("ex.02.4.drop_last", _epoch_drop_last),
    Mistake("ex.02.4.divide_by_batch_size", _epoch_divide_by_batch_size),
    Mistake("ex.02.4.full_gradient", _epoch_full_gradient),
    Mistake("ex.02.4.stale", _epoch_stale),
]

register(FunctionExercise(
    "02.4", "Una época con minilotes", "minibatch_epoch", reference=minibatch_epoch, cases=_epoch_cases,
    mistakes=_epoch_mistakes, parts=("W", "B"), parts_key="ex.02.4.not_pair", rtol=1e-6, atol=1e-9,
    points=2, hints=["ex.02.4.hint1", "ex.02.4.hint2", "ex.02.4.hint3"],
))


# ---------------------------------------------------------------- 02.5 · entropía cruzada binaria

@reference("02.5")
def binary_cross_entropy(p, y, eps=1e-7):
    """Entropía cruzada binaria media. p: (n,) probabilidades, y: (n,) etiquetas 0/1 -> float."""
    p = np.clip(_flat(p), eps, 1 - eps)
    y = _flat(y)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _bce_no_clip(p, y, eps=1e-7):
    p, y = _flat(p), _flat(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _bce_clip_low_only(p, y, eps=1e-7):
    p, y = np.maximum(_flat(p), eps), _flat(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _bce_sign(p, y, eps=1e-7):
    return -binary_cross_entropy(p, y, eps)


def _bce_swapped(p, y, eps=1e-7):
    return binary_cross_entropy(1 - _flat(p), y, eps)


def _bce_sum(p, y, eps=1e-7):
    return binary_cross_entropy(p, y, eps) * _flat(y).size


def _bce_cases(rng):
    n = int(rng.integers(6, 40))
    p = rng.uniform(0.02, 0.98, n)
    y = rng.integers(0, 2, n)
    return [
        Case("probabilidades aleatorias", tuple(_frozen(p, y))),
        Case("p = 0 para un ejemplo positivo", tuple(_frozen([0.0, 0.7, 0.2], [1, 1, 0]))),
        Case("p = 1 para un ejemplo negativo", tuple(_frozen([0.9, 1.0, 0.3], [1, 0, 0]))),
        Case("predicciones perfectas", tuple(_frozen([1.0, 0.0, 1.0, 0.0], [1, 0, 1, 0]))),
        Case("eps = 0.01", tuple(_frozen([0.0, 0.5, 1.0], [1.0, 0.0, 0.0])), {"eps": 0.01}),
    ]


register(FunctionExercise(
    "02.5", "Entropía cruzada binaria", "binary_cross_entropy",
    reference=binary_cross_entropy, cases=_bce_cases, points=2,
    hints=["ex.02.5.hint1", "ex.02.5.hint2", "ex.02.5.hint3"],
    mistakes=[
        Mistake("ex.02.5.clip_low_only", _bce_clip_low_only),
        Mistake("ex.02.5.no_clip", _bce_no_clip),
        Mistake("ex.02.5.sign", _bce_sign),
        Mistake("ex.02.5.swapped", _bce_swapped),
        Mistake("ex.02.5.sum", _bce_sum),
    ],
    rtol=1e-6, atol=1e-9,
))


# ---------------------------------------------------------------- 02.6 · tasa de aprendizaje crítica
# f(x) = ½ xᵀAx: matriz de segundas derivadas A; diverge si lr > 2 / λ_max(A).

@reference("02.6")
def critical_lr(A):
    """Tasa a partir de la cual diverge el descenso en f(x) = ½ xᵀAx. A: (d, d) simétrica definida positiva -> float."""
    curvatures = np.linalg.eigvalsh(np.asarray(A, dtype=float))
    return float(2.0 / curvatures.max())


def _lr_flat_direction(A):
    return float(2.0 / np.linalg.eigvalsh(np.asarray(A, dtype=float)).min())


def _lr_one_over(A):
    return float(1.0 / np.linalg.eigvalsh(np.asarray(A, dtype=float)).max())


def _lr_diagonal(A):
    return float(2.0 / np.diag(np.asarray(A, dtype=float)).max())


def _lr_coefficient(A):
    return float(2.0 / (0.5 * np.linalg.eigvalsh(np.asarray(A, dtype=float)).max()))


def _random_spd(rng, d):
    Q, _ = np.linalg.qr(rng.normal(0, 1, (d, d)))
    eigenvalues = rng.uniform(0.5, 20, d)
    A = Q @ np.diag(eigenvalues) @ Q.T
    return (A + A.T) / 2


def _critical_cases(rng):
    return [
        Case("f = 2·x1² + 8·x2² (A diagonal)", (_frozen(np.diag([4.0, 16.0]))[0],)),
        Case("matriz 2×2 aleatoria con términos cruzados", (_frozen(_random_spd(rng, 2))[0],)),
        Case("matriz 4×4 aleatoria", (_frozen(_random_spd(rng, 4))[0],)),
        Case("una sola variable, A = [[5]]", (_frozen(np.array([[5.0]]))[0],)),
    ]


register(FunctionExercise(
    "02.6", "Tasa de aprendizaje crítica", "critical_lr", reference=critical_lr, cases=_critical_cases,
    points=1, hints=["ex.02.6.hint1", "ex.02.6.hint2", "ex.02.6.hint3"],
    mistakes=[
        Mistake("ex.02.6.flat_direction", _lr_flat_direction),
        Mistake("ex.02.6.one_over_curvature", _lr_one_over),
        Mistake("ex.02.6.coefficient", _lr_coefficient),
        Mistake("ex.02.6.diagonal", _lr_diagonal),
    ],
    rtol=1e-6, atol=1e-12,
))


# ---------------------------------------------------------------- 02.7 · descenso con momento

@reference("02.7")
def momentum_path(A, x0, lr, beta, num_steps):
    """Descenso con momento en f(x) = ½ xᵀAx (gradiente A·x). A: (d, d), x0: (d,) -> trayectoria (num_steps + 1, d)."""
    A = np.asarray(A, dtype=float)
    x = _flat(x0).copy()
    v = np.zeros_like(x)
    path = [x]
    for _ in range(num_steps):
        v = beta * v - lr * (A @ x)
        x = x + v
        path.append(x)
    return np.array(path)


def _momentum_variant(A, x0, lr, beta, num_steps, *, no_beta=False, late_velocity=False, ema=False,
                      sign=1.0, skip_start=False):
    A = np.asarray(A, dtype=float)
    x = _flat(x0).copy()
    v = np.zeros_like(x)
    path = [] if skip_start else [x]
    b = 0.0 if no_beta else beta
    for _ in range(num_steps):
        if late_velocity:
            x = x + v
        scale = (1 - b) if ema else 1.0
        v = b * v - sign * scale * lr * (A @ x)
        if not late_velocity:
            x = x + v
        path.append(x)
    return np.array(path)


def _momentum_no_beta(*args):
    return _momentum_variant(*args, no_beta=True)


def _momentum_late_velocity(*args):
    return _momentum_variant(*args, late_velocity=True)


def _momentum_ema(*args):
    return _momentum_variant(*args, ema=True)


def _momentum_sign(*args):
    with np.errstate(over="ignore", invalid="ignore"):
        return _momentum_variant(*args, sign=-1.0)


def _momentum_missing_start(*args):
    return _momentum_variant(*args, skip_start=True)


def _momentum_cases(rng):
    A2 = _random_spd(rng, 2)
    lr2 = float(rng.uniform(0.3, 1.0) / np.linalg.eigvalsh(A2).max())
    A3 = _random_spd(rng, 3)
    lr3 = float(rng.uniform(0.3, 1.0) / np.linalg.eigvalsh(A3).max())
    return [
        Case("valle alargado A = diag(1, 100), β = 0,9", (_frozen(np.diag([1.0, 100.0]))[0],
                                                            _frozen(rng.normal(0, 3, 2))[0], 0.018, 0.9, 30)),
        Case("cuadrática aleatoria en 2-D", (*_frozen(A2, rng.normal(0, 3, 2)), lr2, float(rng.uniform(0.5, 0.95)), 20)),
        Case("cuadrática aleatoria en 3-D", (*_frozen(A3, rng.normal(0, 3, 3)), lr3, float(rng.uniform(0.5, 0.95)), 15)),
        Case("x0 con números enteros y un solo paso", (_frozen(np.diag([2.0, 1.0]))[0],
                                                        _frozen(np.array([3, -1]))[0], 0.1, 0.9, 1)),
    ]


register(FunctionExercise(
    "02.7", "Descenso con momento", "momentum_path", reference=momentum_path, cases=_momentum_cases,
    points=2, hints=["ex.02.7.hint1", "ex.02.7.hint2", "ex.02.7.hint3"],
    mistakes=[
        Mistake("ex.02.7.missing_start", _momentum_missing_start),
        Mistake("ex.02.7.no_beta", _momentum_no_beta),
        Mistake("ex.02.7.late_velocity", _momentum_late_velocity),
        Mistake("ex.02.7.ema", _momentum_ema),
        Mistake("ex.02.7.sign", _momentum_sign),
    ],
    rtol=1e-6, atol=1e-9,
))


# ---------------------------------------------------------------- 02.8 · entropía cruzada softmax y sus gradientes

def _stable_softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


@reference("02.8")
def softmax_cross_entropy(X, y, W, b):
    """Pérdida y gradientes de un clasificador softmax. X: (n, d), y: (n,) enteros, W: (d, k), b: (k,) -> (loss, dW (d, k), db (k,))."""
    X, W, b = np.asarray(X, float), np.asarray(W, float), _flat(b)
    y = np.asarray(y).astype(int).ravel()
    n = len(y)
    logits = X @ W + b
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-log_probs[np.arange(n), y].mean())
    G = np.exp(log_probs)
    G[np.arange(n), y] -= 1.0
    G /= n
    return loss, X.T @ G, G.sum(axis=0)


def _ce_parts(X, y, W, b, *, naive=False, sign=1.0, no_mean=False, db_axis=0, all_log=False):
    X, W, b = np.asarray(X, float), np.asarray(W, float), _flat(b)
    y = np.asarray(y).astype(int).ravel()
    n = len(y)
    Z = X @ W + b
    if naive:
        E = np.exp(Z)
        P = E / E.sum(axis=1, keepdims=True)
    else:
        P = _stable_softmax(Z)
    Y = np.zeros_like(P)
    Y[np.arange(n), y] = 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = float(-np.log(P).mean()) if all_log else float(-np.log(P[np.arange(n), y]).mean())
    G = sign * (P - Y) / (1 if no_mean else n)
    db = G.sum(axis=db_axis)
    return loss, X.T @ G, db


def _ce_log_of_probability(X, y, W, b):
    X, W, b = np.asarray(X, float), np.asarray(W, float), _flat(b)
    y = np.asarray(y).astype(int).ravel()
    n = len(y)
    P = _stable_softmax(X @ W + b)
    with np.errstate(divide="ignore"):
        loss = float(-np.log(P[np.arange(n), y]).mean())
    G = P.copy()
    G[np.arange(n), y] -= 1.0
    return loss, X.T @ G / n, G.sum(axis=0) / n


def _ce_naive(X, y, W, b):
    with np.errstate(over="ignore", invalid="ignore"):
        return _ce_parts(X, y, W, b, naive=True)


def _ce_sign(X, y, W, b):
    return _ce_parts(X, y, W, b, sign=-1.0)


def _ce_no_mean(X, y, W, b):
    return _ce_parts(X, y, W, b, no_mean=True)


def _ce_db_axis(X, y, W, b):
    return _ce_parts(X, y, W, b, db_axis=1)


def _ce_all_log(X, y, W, b):
    return _ce_parts(X, y, W, b, all_log=True)


def _ce_transposed(X, y, W, b):
    loss, dW, db = softmax_cross_entropy(X, y, W, b)
    return loss, dW.T, db


def _ce_cases(rng):
    cases = []
    for label, n, d, k in (("datos aleatorios", int(rng.integers(8, 30)), int(rng.integers(3, 7)), int(rng.integers(3, 6))),
                           ("dos clases", int(rng.integers(6, 20)), 2, 2)):
        if n == d or n == k:
            n += 1
        X = rng.normal(0, 1, (n, d))
        y = rng.integers(0, k, n)
        W = rng.normal(0, 0.5, (d, k))
        b = rng.normal(0, 0.5, k)
        cases.append(Case(label, tuple(_frozen(X, y, W, b))))
    X = rng.normal(0, 1, (5, 3))
    cases.append(Case("puntuaciones muy grandes (pesos de tamaño 300)",
                      tuple(_frozen(X, np.array([0, 1, 2, 3, 0]), rng.normal(0, 300, (3, 4)), np.zeros(4)))))
    cases.append(Case("un solo ejemplo", tuple(_frozen([[1.0, -2.0]], [1], [[0.5, -0.5, 0.0], [0.1, 0.2, 0.3]], [0.0, 0.0, 0.0]))))
    return cases


register(FunctionExercise(
    "02.8", "Entropía cruzada softmax y sus gradientes", "softmax_cross_entropy",
    reference=softmax_cross_entropy, cases=_ce_cases, points=3,
    parts=("loss", "dW", "db"), parts_key="ex.02.8.not_triple",
    hints=["ex.02.8.hint1", "ex.02.8.hint2", "ex.02.8.hint3"],
    mistakes=[
        Mistake("ex.02.8.log_zero", _ce_log_of_probability),
        Mistake("ex.02.8.overflow", _ce_naive),
        Mistake("ex.02.8.sign", _ce_sign),
        Mistake("ex.02.8.no_mean", _ce_no_mean),
        Mistake("ex.02.8.db_axis", _ce_db_axis),
        Mistake("ex.02.8.all_log", _ce_all_log),
        Mistake("ex.02.8.transposed", _ce_transposed),
    ],
    rtol=1e-6, atol=1e-9,
))


# ---------------------------------------------------------------- autovalidación

def _raises(*args, **kwargs):
    raise ValueError("operands could not be broadcast together")



WRONG_VARIANTS = {
    "02.1": [
        (_mse_broadcast, "ex.02.1.broadcast"),
        (_mse_sum, "ex.02.1.sum"),
        (_mse_square_of_mean, "ex.02.1.square_of_mean"),
        (lambda y_pred, y: np.array([mse(y_pred, y)]), "cmp.shape_column"),
    ],
    "02.2": [
        (_grad_no_factor2, "ex.02.2.factor2"),
        (_grad_sign, "ex.02.2.sign"),
        (_grad_db_vector, "ex.02.2.db_vector"),
        (lambda X, y, w, b: mse_gradients(X, y, w, b)[0], "ex.02.2.not_pair"),
        (_raises, "check.learner_error"),
    ],
    "02.3": [
        (_gd_missing_x0, "ex.02.3.missing_x0"),
        (_gd_sign, "ex.02.3.sign"),
        (_gd_aliasing, "ex.02.3.aliasing"),
        (_gd_no_stop, "ex.02.3.no_stop"),
        (_gd_check_after, "ex.02.3.check_after"),
        (_gd_stale_gradient, "ex.02.3.stale_gradient"),
    ],
    "02.4": [
        (_epoch_missing_start, "ex.02.4.missing_start"),
        (_epoch_aliasing, "ex.02.4.aliasing"),
        (_epoch_no_shuffle, "ex.02.4.no_shuffle"),
        (_epoch_drop_last, "ex.02.4.drop_last"),
        (_epoch_divide_by_batch_size, "ex.02.4.divide_by_batch_size"),
        (_epoch_full_gradient, "ex.02.4.full_gradient"),
    ],
    "02.5": [
        (_bce_no_clip, "ex.02.5.no_clip"),
        (_bce_clip_low_only, "ex.02.5.clip_low_only"),
        (_bce_sign, "ex.02.5.sign"),
        (_bce_swapped, "ex.02.5.swapped"),
    ],
    "02.6": [
        (_lr_flat_direction, "ex.02.6.flat_direction"),
        (_lr_one_over, "ex.02.6.one_over_curvature"),
        (_lr_diagonal, "ex.02.6.diagonal"),
        (lambda A: 0.3, "cmp.scalar"),
    ],
    "02.7": [
        (_momentum_missing_start, "ex.02.7.missing_start"),
        (_momentum_no_beta, "ex.02.7.no_beta"),
        (_momentum_late_velocity, "ex.02.7.late_velocity"),
        (_momentum_ema, "ex.02.7.ema"),
        (_momentum_sign, "ex.02.7.sign"),
    ],
    "02.8": [
        (_ce_naive, "ex.02.8.overflow"),
        (_ce_log_of_probability, "ex.02.8.log_zero"),
        (_ce_sign, "ex.02.8.sign"),
        (_ce_no_mean, "ex.02.8.no_mean"),
        (_ce_db_axis, "ex.02.8.db_axis"),
        (_ce_all_log, "ex.02.8.all_log"),
    ],
}
