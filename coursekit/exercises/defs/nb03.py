"""Ejercicios del cuaderno 03 · Retropropagación.

Every exercise is a function on plain NumPy data. The checker copies the inputs
before each call (so a learner's function that modifies its arguments in place
cannot change what the reference sees) and, for functions that return several
gradients, compares them one by one with the name of each part in the message.
"""

import numpy as np

from coursekit.exercises.core import Case, CustomExercise, FunctionExercise, Mistake, register, require
from coursekit.exercises.references import reference, trusted


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
# 03.2 · Retropropagación de una capa lineal con la convención de PyTorch
# ---------------------------------------------------------------------------
# The notebook's ``backward`` shows the layer Z = X @ W + b with W: (d, h). Here W is
# stored as nn.Linear stores it, (h, d), and Z = X @ W.T + b: the learner must let the
# shapes decide where each transpose goes instead of copying the lines above.

@reference("03.2")
def linear_backward(dout, X, W):
    """Gradientes de Z = X @ W.T + b (W como en nn.Linear). dout: (n, h), X: (n, d), W: (h, d) -> dX (n, d), dW (h, d), db (h,)."""
    dX = dout @ W
    dW = dout.T @ X
    db = dout.sum(axis=0)
    return dX, dW, db


def _linear_db_not_summed(dout, X, W):
    return dout @ W, dout.T @ X, dout


def _linear_db_mean(dout, X, W):
    return dout @ W, dout.T @ X, dout.mean(axis=0)


def _linear_db_keepdims(dout, X, W):
    return dout @ W, dout.T @ X, dout.sum(axis=0, keepdims=True)


def _linear_dw_transposed(dout, X, W):
    return dout @ W, X.T @ dout, dout.sum(axis=0)


def _linear_keras_layout(dout, X, W):
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)  # the (d, h) formulas: wrong when d == h


def _linear_cases(rng):
    n, d, h = 7, 3, 5
    return [
        Case("d = h = 4 (W cuadrada)", (rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), rng.normal(size=(4, 4)))),
        Case("n=7, d=3, h=5 aleatorio", (rng.normal(size=(n, h)), rng.normal(size=(n, d)),
                                         rng.normal(size=(h, d)))),
        Case("un solo ejemplo (n=1)", (rng.normal(size=(1, 4)), rng.normal(size=(1, 2)),
                                       rng.normal(size=(4, 2)))),
    ]


register(FunctionExercise(
    "03.2", "Retropropagación de una capa lineal con la convención de PyTorch", "linear_backward",
    reference=linear_backward, cases=_linear_cases, points=2, parts=("dX", "dW", "db"), parts_key="ex.03.2.return",
    mistakes=[
        Mistake("ex.03.2.db_not_summed", _linear_db_not_summed),
        Mistake("ex.03.2.db_mean", _linear_db_mean),
        Mistake("ex.03.2.db_keepdims", _linear_db_keepdims),
        Mistake("ex.03.2.dw_transposed", _linear_dw_transposed),
        Mistake("ex.03.2.keras_layout", _linear_keras_layout),
    ],
    hints=["ex.03.2.hint1", "ex.03.2.hint2", "ex.03.2.hint3", "ex.03.2.hint4"],
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
# 03.6 · El paso hacia atrás completo de una red de dos capas (ReLU + softmax)
# ---------------------------------------------------------------------------
# The CS231n exercise: the notebook's ``backward`` is for tanh + one sigmoid output;
# here the hidden layer is ReLU and the output is a softmax over k classes, so the
# learner has to compose what 03.2, 03.4 and 03.5 taught. The check is a gradient
# check: central differences of the (trusted) loss against the learner's gradients.

PARAM_NAMES = ("W1", "b1", "W2", "b2")


@reference("03.6")
def two_layer_loss_grads(params, X, y):
    """Pérdida y gradientes de X → ReLU(X @ W1 + b1) → softmax(· @ W2 + b2), entropía cruzada media -> (loss, grads)."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = len(X)
    rows = np.arange(n)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()
    dZ2 = np.exp(log_probs)
    dZ2[rows, y] -= 1
    dZ2 /= n
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * (Z1 > 0)
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}
    return float(loss), grads


def _two_layer_forward(params, X):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.maximum(Z1, 0)
    return Z1, A1, A1 @ params["W2"] + params["b2"]


def _two_layer_loss(params, X, y):
    """Mean cross-entropy of the two-layer network (trusted forward, stable log-softmax)."""
    Z2 = _two_layer_forward(params, X)[2]
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(X)), y].mean())


def _two_layer_variant(params, X, y, mask=True, mean=True, dw2_input="A1", stable=True):
    """The reference with one known mistake switched on (self-validation and diagnosis)."""
    n = len(X)
    Z1, A1, Z2 = _two_layer_forward(params, X)
    if stable:
        Z2 = Z2 - Z2.max(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        E = np.exp(Z2)
        P = E / E.sum(axis=1, keepdims=True)
        loss = float(-np.log(P[np.arange(n), y]).mean())
    dZ2 = P.copy()
    dZ2[np.arange(n), y] -= 1
    if mean:
        dZ2 /= n
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * (Z1 > 0) if mask else dA1
    dW2 = {"A1": A1, "Z1": Z1}[dw2_input].T @ dZ2
    return loss, {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": dZ2.sum(axis=0)}


def _tl_no_mask(params, X, y):
    return _two_layer_variant(params, X, y, mask=False)


def _tl_no_mean(params, X, y):
    return _two_layer_variant(params, X, y, mean=False)


def _tl_dw2_from_z1(params, X, y):
    return _two_layer_variant(params, X, y, dw2_input="Z1")


def _tl_unstable(params, X, y):
    return _two_layer_variant(params, X, y, stable=False)


def _tl_only_grads(params, X, y):
    return _two_layer_variant(params, X, y)[1]


def _tl_keepdims_bias(params, X, y):
    loss, grads = two_layer_loss_grads(params, X, y)
    return loss, dict(grads, b1=grads["b1"][None, :])


_TL_MISTAKES = [
    ("ex.03.6.no_mask", _tl_no_mask),
    ("ex.03.6.no_mean", _tl_no_mean),
    ("ex.03.6.dw2_from_z1", _tl_dw2_from_z1),
]


def _tl_problem(rng, n, d, h, k, logit_scale=1.0):
    params = {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h) * 0.5,
              "W2": rng.normal(size=(h, k)) * logit_scale, "b2": rng.normal(size=k)}
    return params, rng.normal(size=(n, d)), rng.integers(0, k, size=n)


def _tl_big_logits(rng):
    """Logits near 1000 (a naive exp overflows) that differ by a few units (no underflow either)."""
    params, X, y = _tl_problem(rng, 6, 3, 4, 3)
    params["b2"] = params["b2"] + 1000.0
    return params, X, y


def _numerical_grads(params, X, y, h=1e-5):
    grads = {}
    for name in PARAM_NAMES:
        value = params[name]
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            old = value[index]
            value[index] = old + h
            plus = _two_layer_loss(params, X, y)
            value[index] = old - h
            minus = _two_layer_loss(params, X, y)
            value[index] = old
            grad[index] = (plus - minus) / (2 * h)
        grads[name] = grad
    return grads


def _relative_error(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def _check_two_layer(probe, rng):
    from coursekit.exercises.core import Failed
    from coursekit.fmt import fmt_number
    from coursekit.messages import msg

    cases = [
        ("n=10, d=3, h=6, k=4 aleatorio", _tl_problem(rng, 10, 3, 6, 4)),
        ("un solo ejemplo", _tl_problem(rng, 1, 2, 5, 3)),
        ("logits muy grandes (en torno a 1000)", _tl_big_logits(rng)),
    ]
    for label, (params, X, y) in cases:
        out = probe.call({k: v.copy() for k, v in params.items()}, X.copy(), y.copy())
        ok = (isinstance(out, (tuple, list)) and len(out) == 2 and isinstance(out[1], dict)
              and set(PARAM_NAMES) <= set(out[1]))
        require(ok, "ex.03.6.return", mistake=True)
        loss, grads = out
        try:
            loss = float(np.asarray(loss, dtype=float))
        except (TypeError, ValueError):
            require(False, "ex.03.6.return", mistake=True)
        expected_loss = _two_layer_loss(params, X, y)
        require(np.isfinite(loss), "ex.03.6.unstable", mistake=True)
        require(abs(loss - expected_loss) <= 1e-6 * (1 + abs(expected_loss)), "ex.03.6.loss",
                case=label, actual=fmt_number(loss, 6), expected=fmt_number(expected_loss, 6))
        for name in PARAM_NAMES:
            shape = np.shape(grads[name])
            require(shape == params[name].shape, "ex.03.6.shape", name=name,
                    actual=shape, expected=params[name].shape)
        numeric = _numerical_grads({k: v.copy() for k, v in params.items()}, X, y)
        errors = {name: _relative_error(np.asarray(grads[name], dtype=float), numeric[name])
                  for name in PARAM_NAMES}
        worst = max(errors, key=errors.get)
        if errors[worst] <= 1e-6:
            continue
        for key, wrong in _TL_MISTAKES:
            wrong_grads = wrong(params, X, y)[1]
            if all(np.allclose(grads[name], wrong_grads[name], rtol=1e-5, atol=1e-8) for name in PARAM_NAMES):
                raise Failed(msg(key), mistake=key)
        raise Failed(msg("ex.03.6.gradcheck", case=label, name=worst, error=fmt_number(errors[worst], 2),
                         errors=", ".join(f"{n} {fmt_number(e, 2)}" for n, e in errors.items())),
                     key="ex.03.6.gradcheck")


register(CustomExercise(
    "03.6", "El paso hacia atrás completo de una red de dos capas", "two_layer_loss_grads",
    _check_two_layer, points=3,
    hints=["ex.03.6.hint1", "ex.03.6.hint2", "ex.03.6.hint3", "ex.03.6.hint4"],
))


# ---------------------------------------------------------------------------
# 03.7 · El bucle de entrenamiento con minilotes
# ---------------------------------------------------------------------------
# The learner's loop calls their own two_layer_loss_grads (03.6). Judged by behaviour
# on fresh spirals: held-out accuracy against a linear softmax classifier trained here.

TRAIN_ARGS = dict(num_hiddens=100, lr=1.0, num_epochs=50, batch_size=30)
SPIRAL_MIN_ACCURACY = 0.85
SPIRAL_MIN_GAIN = 0.25  # over the linear classifier (about 0.54 on these spirals)


@reference("03.7")
def train_two_layer(X, y, num_hiddens=100, lr=1.0, num_epochs=50, batch_size=30, seed=0):
    """Entrena la red de 03.6 con descenso del gradiente por minilotes -> (params, losses), una pérdida media por época."""
    rng = np.random.default_rng(seed)
    n, d = X.shape
    k = int(y.max()) + 1
    params = {"W1": rng.normal(0, np.sqrt(2 / d), size=(d, num_hiddens)), "b1": np.zeros(num_hiddens),
              "W2": rng.normal(0, np.sqrt(1 / num_hiddens), size=(num_hiddens, k)), "b2": np.zeros(k)}
    losses = []
    for epoch in range(num_epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            loss, grads = two_layer_loss_grads(params, X[idx], y[idx])
            for name in params:
                params[name] -= lr * grads[name]
            total += loss * len(idx)
        losses.append(total / n)
    return params, losses


def _train_variant(X, y, num_hiddens=100, lr=1.0, num_epochs=50, batch_size=30, seed=0,
                   sign=1.0, update=True, zero_init=False, per_batch=False):
    rng = np.random.default_rng(seed)
    n, d = X.shape
    k = int(y.max()) + 1
    scale = 0.0 if zero_init else 1.0
    params = {"W1": scale * rng.normal(0, np.sqrt(2 / d), size=(d, num_hiddens)), "b1": np.zeros(num_hiddens),
              "W2": scale * rng.normal(0, np.sqrt(1 / num_hiddens), size=(num_hiddens, k)), "b2": np.zeros(k)}
    losses = []
    for epoch in range(num_epochs):
        order = rng.permutation(n)
        batch_losses = []
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            loss, grads = two_layer_loss_grads(params, X[idx], y[idx])
            for name in params:
                new = params[name] - sign * lr * grads[name]
                if update:
                    params[name] = new
            batch_losses.append(loss)
        losses.extend(batch_losses if per_batch else [float(np.mean(batch_losses))])
    return params, losses


def _train_ascent(X, y, num_hiddens=100, lr=1.0, num_epochs=50, batch_size=30, seed=0):
    return _train_variant(X, y, num_hiddens, lr, num_epochs, batch_size, seed, sign=-1.0)


def _train_no_update(X, y, num_hiddens=100, lr=1.0, num_epochs=50, batch_size=30, seed=0):
    return _train_variant(X, y, num_hiddens, lr, num_epochs, batch_size, seed, update=False)


def _train_zero_init(X, y, num_hiddens=100, lr=1.0, num_epochs=50, batch_size=30, seed=0):
    return _train_variant(X, y, num_hiddens, lr, num_epochs, batch_size, seed, zero_init=True)


def _train_per_batch(X, y, num_hiddens=100, lr=1.0, num_epochs=50, batch_size=30, seed=0):
    return _train_variant(X, y, num_hiddens, lr, num_epochs, batch_size, seed, per_batch=True)


def _train_one_epoch(X, y, num_hiddens=100, lr=1.0, num_epochs=50, batch_size=30, seed=0):
    params, losses = _train_variant(X, y, num_hiddens, lr, 1, batch_size, seed)
    return params, losses * num_epochs


def _linear_baseline(X, y, X_test, y_test, steps=300, lr=1.0):
    """Held-out accuracy of a softmax classifier without hidden layer, full-batch gradient descent."""
    k = int(y.max()) + 1
    W, b = np.zeros((X.shape[1], k)), np.zeros(k)
    Y = np.eye(k)[y]
    for _ in range(steps):
        Z = X @ W + b
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        dZ = (E / E.sum(axis=1, keepdims=True) - Y) / len(X)
        W -= lr * X.T @ dZ
        b -= lr * dZ.sum(axis=0)
    return float(np.mean((X_test @ W + b).argmax(axis=1) == y_test))


def _check_training_loop(probe, rng):
    from coursekit.datasets import make_spirals
    from coursekit.fmt import fmt_number, fmt_percent

    X, y = make_spirals(300, classes=3, noise=0.2, seed=int(rng.integers(1 << 30)))
    X_test, y_test = make_spirals(300, classes=3, noise=0.2, seed=int(rng.integers(1 << 30)))
    X, X_test = X.astype(np.float64), X_test.astype(np.float64)
    seed = int(rng.integers(1000))
    out = probe.call(X.copy(), y.copy(), seed=seed, **TRAIN_ARGS)
    ok = (isinstance(out, (tuple, list)) and len(out) == 2 and isinstance(out[0], dict)
          and set(PARAM_NAMES) <= set(out[0]))
    require(ok, "ex.03.7.return", mistake=True)
    params, losses = out
    params = {name: np.asarray(params[name], dtype=np.float64) for name in PARAM_NAMES}
    losses = np.asarray(losses, dtype=float).ravel()
    epochs = TRAIN_ARGS["num_epochs"]
    require(len(losses) == epochs, "ex.03.7.losses_length", mistake=True, actual=len(losses), expected=epochs)
    require(np.all(np.isfinite(losses)), "train.loss_nan")
    W1 = params["W1"]
    require(W1.shape[1] < 2 or not np.allclose(W1, W1[:, :1]), "ex.03.7.symmetric", mistake=True)
    require(abs(losses[-1] - losses[0]) > 1e-6, "ex.03.7.no_update", mistake=True)
    require(losses[-1] <= losses[0], "ex.03.7.ascent", mistake=True,
            first=fmt_number(losses[0]), last=fmt_number(losses[-1]))
    accuracy = float(np.mean(_two_layer_forward(params, X_test)[2].argmax(axis=1) == y_test))
    baseline = _linear_baseline(X, y, X_test, y_test)
    needed = max(SPIRAL_MIN_ACCURACY, baseline + SPIRAL_MIN_GAIN)
    require(accuracy >= needed, "ex.03.7.accuracy_low", actual=fmt_percent(accuracy),
            baseline=fmt_percent(baseline), needed=fmt_percent(needed))


register(CustomExercise(
    "03.7", "El bucle de entrenamiento con minilotes", "train_two_layer", _check_training_loop, points=3,
    hints=["ex.03.7.hint1", "ex.03.7.hint2", "ex.03.7.hint3", "ex.03.7.hint4"],
))


# ---------------------------------------------------------------------------
# Self-validation (tests/test_exercises.py)
# ---------------------------------------------------------------------------

def _linear_single(dout, X, W):
    return dout.T @ X


def _relu_keeps_shape_wrong(dout, x):
    return (dout * (x > 0)).ravel()



# The check cell of 03.3 passes ``on_test(numerical_gradient)``, not the function itself.
# 03.7's reference calls 03.6's reference: in self-validation it runs as trusted course code.
CHECKED_AS = {"03.3": on_test, "03.7": trusted}

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
        (_linear_keras_layout, "ex.03.2.keras_layout"),
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
    "03.6": [
        (_tl_no_mask, "ex.03.6.no_mask"),
        (_tl_no_mean, "ex.03.6.no_mean"),
        (_tl_dw2_from_z1, "ex.03.6.dw2_from_z1"),
        (_tl_unstable, "ex.03.6.unstable"),
        (_tl_only_grads, "ex.03.6.return"),
        (_tl_keepdims_bias, "ex.03.6.shape"),
    ],
    "03.7": [
        (_train_ascent, "ex.03.7.ascent"),
        (_train_no_update, "ex.03.7.no_update"),
        (_train_zero_init, "ex.03.7.symmetric"),
        (_train_per_batch, "ex.03.7.losses_length"),
        (_train_one_epoch, "ex.03.7.no_update"),
    ],
    "03.5": [
        (_relu_passes_all, "ex.03.5.passes_all"),
        (_relu_forgets_dout, "ex.03.5.forgets_dout"),
        (_relu_zero_as_positive, "ex.03.5.zero_as_positive"),
        (_relu_uses_value, "ex.03.5.uses_value"),
        (_relu_keeps_shape_wrong, "cmp.shape"),
    ],
}
