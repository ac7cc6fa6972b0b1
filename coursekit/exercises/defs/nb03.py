"""Ejercicios del cuaderno 03 · Retropropagación.

Every exercise is a function on plain NumPy data. The checker copies the inputs
before each call (so a learner's function that modifies its arguments in place
cannot change what the reference sees) and, for functions that return several
gradients, compares them one by one with the name of each part in the message.
"""

import numpy as np

from coursekit.exercises.core import Case, FunctionExercise, Mistake, register
from coursekit.exercises.references import reference


# ---------------------------------------------------------------------------
# 03.1 · Retropropagación de una división (un nodo del autograd escalar)
# ---------------------------------------------------------------------------

@reference("03.1")
def div_backward(a, b, grad_out):
    """Gradientes de out = a / b: devuelve (grad_a, grad_b)."""
    grad_a = grad_out / b
    grad_b = -a * grad_out / b ** 2
    return grad_a, grad_b


def _div_sign(a, b, grad_out):
    return grad_out / b, a * grad_out / b ** 2


def _div_no_chain(a, b, grad_out):
    return 1 / b + 0 * grad_out, -a / b ** 2 + 0 * grad_out


def _div_forgot_a(a, b, grad_out):
    return grad_out / b, -grad_out / b ** 2


def _div_like_mul(a, b, grad_out):
    return b * grad_out, a * grad_out


def _div_cases(rng):
    def away_from_zero(size=None):
        return rng.choice([-1.0, 1.0], size=size) * rng.uniform(0.5, 3.0, size=size)

    return [
        Case("números aleatorios", (float(rng.uniform(-3, 3)), float(away_from_zero()),
                                   float(rng.uniform(0.5, 2.0)))),
        Case("arrays de 6 elementos", (rng.normal(size=6), away_from_zero(6), rng.normal(size=6))),
        Case("a = 0", (0.0, 2.5, -1.5)),
        Case("grad_out = 1", (-1.25, 4.0, 1.0)),
    ]


register(FunctionExercise(
    "03.1", "Retropropagación de una división", "div_backward",
    reference=div_backward, cases=_div_cases, points=1, parts=("grad_a", "grad_b"), parts_key="ex.03.1.return",
    mistakes=[
        Mistake("ex.03.1.sign", _div_sign),
        Mistake("ex.03.1.no_chain", _div_no_chain),
        Mistake("ex.03.1.forgot_a", _div_forgot_a),
        Mistake("ex.03.1.like_mul", _div_like_mul),
    ],
    hints=["ex.03.1.hint1", "ex.03.1.hint2", "ex.03.1.hint3"],
))


# ---------------------------------------------------------------------------
# 03.2 · Retropropagación de una capa lineal
# ---------------------------------------------------------------------------

@reference("03.2")
def linear_backward(dout, X, W):
    """Gradientes de Z = X @ W + b. dout: (n, h), X: (n, d), W: (d, h) -> dX (n, d), dW (d, h), db (h,)."""
    dX = dout @ W.T
    dW = X.T @ dout
    db = dout.sum(axis=0)
    return dX, dW, db


def _linear_db_not_summed(dout, X, W):
    return dout @ W.T, X.T @ dout, dout


def _linear_db_mean(dout, X, W):
    return dout @ W.T, X.T @ dout, dout.mean(axis=0)


def _linear_db_keepdims(dout, X, W):
    return dout @ W.T, X.T @ dout, dout.sum(axis=0, keepdims=True)


def _linear_dw_transposed(dout, X, W):
    return dout @ W.T, dout.T @ X, dout.sum(axis=0)


def _linear_cases(rng):
    n, d, h = 7, 3, 5
    return [
        Case("n=7, d=3, h=5 aleatorio", (rng.normal(size=(n, h)), rng.normal(size=(n, d)),
                                         rng.normal(size=(d, h)))),
        Case("un solo ejemplo (n=1)", (rng.normal(size=(1, 4)), rng.normal(size=(1, 2)),
                                       rng.normal(size=(2, 4)))),
        Case("d = h = 4", (rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), rng.normal(size=(4, 4)))),
    ]


register(FunctionExercise(
    "03.2", "Retropropagación de una capa lineal", "linear_backward",
    reference=linear_backward, cases=_linear_cases, points=2, parts=("dX", "dW", "db"), parts_key="ex.03.2.return",
    mistakes=[
        Mistake("ex.03.2.db_not_summed", _linear_db_not_summed),
        Mistake("ex.03.2.db_mean", _linear_db_mean),
        Mistake("ex.03.2.db_keepdims", _linear_db_keepdims),
        Mistake("ex.03.2.dw_transposed", _linear_dw_transposed),
    ],
    hints=["ex.03.2.hint1", "ex.03.2.hint2", "ex.03.2.hint3"],
))


# ---------------------------------------------------------------------------
# 03.3 · Gradiente numérico centrado
# ---------------------------------------------------------------------------
# The grader only sends plain data to the learner's code, never a function. So
# the notebook's (locked) check cell wraps the learner's generic
# ``numerical_gradient(f, x, h)`` in ``numerical_gradient_on_test(x, A, c, h)``,
# which builds the test function f from the arrays A and c (the same formula as
# ``_test_function`` here). f is not separable, so a function that forgets to
# restore x gets a measurably wrong gradient.

def _test_function(v, A, c):
    """f(v) = logsumexp(A @ v + c) + sum(sin(v)) + 0.5 * sum(v**2) (v flattened)."""
    v = np.ravel(v)
    z = A @ v + c
    m = z.max()
    return m + np.log(np.exp(z - m).sum()) + np.sin(v).sum() + 0.5 * (v ** 2).sum()


@reference("03.3")
def numerical_gradient(f, x, h=1e-5):
    """Gradiente de f en x por diferencias centradas. x: array de cualquier forma -> array de esa forma."""
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _numgrad_forward(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - f0) / h
        x[i] = old
    return grad


def _numgrad_divide_by_h(f, x, h=1e-5):
    return 2 * numerical_gradient(f, x, h)


def _numgrad_not_restored(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _numgrad_flat(f, x, h=1e-5):
    return numerical_gradient(f, x, h).ravel()


def on_test(gradient_fn):
    """What the notebook's check cell builds: gradient_fn applied to the test function of (A, c)."""
    def numerical_gradient_on_test(x, A, c, h=1e-5):
        return gradient_fn(lambda v: _test_function(v, A, c), x, h)

    return numerical_gradient_on_test


def _numgrad_cases(rng):
    def problem(shape):
        size = int(np.prod(shape))
        return rng.normal(size=shape), rng.normal(size=(4, size)), rng.normal(size=4)

    return [
        Case("vector de 5 componentes", problem((5,))),
        Case("matriz (3, 4)", problem((3, 4))),
        Case("h = 1e-4 explícito", problem((3,)), {"h": 1e-4}),
    ]


register(FunctionExercise(
    "03.3", "Gradiente numérico centrado", "numerical_gradient_on_test",
    reference=on_test(numerical_gradient), cases=_numgrad_cases, points=2, rtol=1e-6, atol=1e-7,
    mistakes=[
        Mistake("ex.03.3.forward", on_test(_numgrad_forward)),
        Mistake("ex.03.3.divide_by_h", on_test(_numgrad_divide_by_h)),
        Mistake("ex.03.3.not_restored", on_test(_numgrad_not_restored)),
    ],
    hints=["ex.03.3.hint1", "ex.03.3.hint2", "ex.03.3.hint3"],
))


# ---------------------------------------------------------------------------
# 03.4 · Paso hacia atrás de softmax con entropía cruzada
# ---------------------------------------------------------------------------

def _softmax(Z, axis=1):
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def _one_hot(y, k):
    Y = np.zeros((len(y), k))
    Y[np.arange(len(y)), y] = 1.0
    return Y


@reference("03.4")
def softmax_ce_backward(Z, y):
    """Gradiente de la entropía cruzada media respecto a los logits. Z: (n, k), y: (n,) enteros -> dZ: (n, k)."""
    n, k = Z.shape
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    Y = np.zeros((n, k))
    Y[np.arange(n), y] = 1.0
    return (P - Y) / n


def _softmax_no_mean(Z, y):
    return _softmax(Z) - _one_hot(y, Z.shape[1])


def _softmax_no_onehot(Z, y):
    return _softmax(Z) / len(Z)


def _softmax_sign(Z, y):
    return (_one_hot(y, Z.shape[1]) - _softmax(Z)) / len(Z)


def _softmax_unstable(Z, y):
    with np.errstate(all="ignore"):  # np.exp(1000) desborda: ese es justo el error
        E = np.exp(Z)
        return (E / E.sum(axis=1, keepdims=True) - _one_hot(y, Z.shape[1])) / len(Z)


def _softmax_wrong_axis(Z, y):
    return (_softmax(Z, axis=0) - _one_hot(y, Z.shape[1])) / len(Z)


def _softmax_cases(rng):
    n, k = 6, 4
    big = rng.normal(size=(3, 3)) * 5 + np.array([[1000.0], [-800.0], [700.0]])
    return [
        Case("n=6, k=4 aleatorio", (rng.normal(size=(n, k)) * 2, rng.integers(0, k, size=n))),
        Case("logits muy grandes (±1000)", (big, np.array([0, 2, 1]))),
        Case("un solo ejemplo", (rng.normal(size=(1, 3)), np.array([2]))),
    ]


register(FunctionExercise(
    "03.4", "Paso hacia atrás de softmax con entropía cruzada", "softmax_ce_backward",
    reference=softmax_ce_backward, cases=_softmax_cases, points=2,
    mistakes=[
        Mistake("ex.03.4.no_mean", _softmax_no_mean),
        Mistake("ex.03.4.no_onehot", _softmax_no_onehot),
        Mistake("ex.03.4.sign", _softmax_sign),
        Mistake("ex.03.4.unstable", _softmax_unstable),
        Mistake("ex.03.4.wrong_axis", _softmax_wrong_axis),
    ],
    hints=["ex.03.4.hint1", "ex.03.4.hint2", "ex.03.4.hint3"],
))


# ---------------------------------------------------------------------------
# 03.5 · Retropropagación de ReLU
# ---------------------------------------------------------------------------

@reference("03.5")
def relu_backward(dout, x):
    """Gradiente de ReLU. dout, x: (n, h) -> dx: (n, h); en x = 0 la derivada vale 0."""
    return dout * (x > 0)


def _relu_passes_all(dout, x):
    return dout.copy()


def _relu_forgets_dout(dout, x):
    return (x > 0).astype(float)


def _relu_zero_as_positive(dout, x):
    return dout * (x >= 0)


def _relu_uses_value(dout, x):
    return dout * np.maximum(0, x)


def _relu_cases(rng):
    x = rng.normal(size=(5, 4))
    x[rng.integers(0, 5), rng.integers(0, 4)] = 0.0
    dout = rng.normal(size=(5, 4))
    x_zero = np.array([[0.0, 1.5, -2.0], [0.0, -0.5, 0.0]])
    return [
        Case("matriz aleatoria (5, 4)", (dout, x)),
        Case("entradas exactamente 0", (np.array([[1.0, -2.0, 3.0], [0.5, 2.0, -1.0]]), x_zero)),
        Case("todas las entradas negativas", (rng.normal(size=(3, 3)), -rng.uniform(0.1, 2.0, size=(3, 3)))),
    ]


register(FunctionExercise(
    "03.5", "Retropropagación de ReLU", "relu_backward",
    reference=relu_backward, cases=_relu_cases, points=1,
    mistakes=[
        Mistake("ex.03.5.passes_all", _relu_passes_all),
        Mistake("ex.03.5.forgets_dout", _relu_forgets_dout),
        Mistake("ex.03.5.zero_as_positive", _relu_zero_as_positive),
        Mistake("ex.03.5.uses_value", _relu_uses_value),
    ],
    hints=["ex.03.5.hint1", "ex.03.5.hint2", "ex.03.5.hint3"],
))


# ---------------------------------------------------------------------------
# Self-validation (tests/test_exercises.py)
# ---------------------------------------------------------------------------

def _linear_dx_not_transposed(dout, X, W):
    return dout @ W, X.T @ dout, dout.sum(axis=0)  # raises: shapes do not align


def _linear_single(dout, X, W):
    return X.T @ dout


def _relu_keeps_shape_wrong(dout, x):
    return (dout * (x > 0)).ravel()



# The check cell of 03.3 passes ``on_test(numerical_gradient)``, not the function itself.
CHECKED_AS = {"03.3": on_test}

WRONG_VARIANTS = {
    "03.1": [
        (_div_sign, "ex.03.1.sign"),
        (_div_no_chain, "ex.03.1.no_chain"),
        (_div_forgot_a, "ex.03.1.forgot_a"),
        (_div_like_mul, "ex.03.1.like_mul"),
        (lambda a, b, grad_out: grad_out / b, "ex.03.1.return"),
    ],
    "03.2": [
        (_linear_db_not_summed, "ex.03.2.db_not_summed"),
        (_linear_db_mean, "ex.03.2.db_mean"),
        (_linear_db_keepdims, "ex.03.2.db_keepdims"),
        (_linear_dw_transposed, "ex.03.2.dw_transposed"),
        (_linear_dx_not_transposed, "check.learner_error"),
        (_linear_single, "ex.03.2.return"),
    ],
    "03.3": [
        (on_test(_numgrad_forward), "ex.03.3.forward"),
        (on_test(_numgrad_divide_by_h), "ex.03.3.divide_by_h"),
        (on_test(_numgrad_not_restored), "ex.03.3.not_restored"),
        (on_test(_numgrad_flat), "cmp.shape"),
    ],
    "03.4": [
        (_softmax_no_mean, "ex.03.4.no_mean"),
        (_softmax_no_onehot, "ex.03.4.no_onehot"),
        (_softmax_sign, "ex.03.4.sign"),
        (_softmax_unstable, "ex.03.4.unstable"),
        (_softmax_wrong_axis, "ex.03.4.wrong_axis"),
    ],
    "03.5": [
        (_relu_passes_all, "ex.03.5.passes_all"),
        (_relu_forgets_dout, "ex.03.5.forgets_dout"),
        (_relu_zero_as_positive, "ex.03.5.zero_as_positive"),
        (_relu_uses_value, "ex.03.5.uses_value"),
        (_relu_keeps_shape_wrong, "cmp.shape"),
    ],
}
