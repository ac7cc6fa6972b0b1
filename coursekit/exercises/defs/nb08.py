"""Ejercicios del cuaderno 08 · Redes recurrentes: RNN, LSTM y GRU.

Every exercise is a function on plain NumPy data. Conventions (the same as
``torch.nn.RNN/LSTM/GRU``): a batch of ``n`` row vectors, ``x`` (n, D) and
``h`` (n, H); recurrent weights ``W`` (k·H, H) and input weights ``U`` (k·H, D),
applied as ``h @ W.T`` and ``x @ U.T``; the gates of an LSTM stacked in the order
i, f, g, o, and those of a GRU in the order r, z, n, with the reset gate applied
after the recurrent product (Keras' ``reset_after=True``).
"""

import numpy as np

from coursekit.exercises.core import Case, FunctionExercise, Mistake, register
from coursekit.exercises.references import reference


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------------------
# 08.1 · Un paso de una RNN
# ---------------------------------------------------------------------------

@reference("08.1")
def rnn_step(x, h_prev, W, U, b):
    """h_t = tanh(W·h_{t-1} + U·x_t + b) para un lote. x: (n, D), h_prev: (n, H), W: (H, H), U: (H, D), b: (H,) -> (n, H)."""
    return np.tanh(h_prev @ W.T + x @ U.T + b)


def _rnn_no_tanh(x, h_prev, W, U, b):
    return h_prev @ W.T + x @ U.T + b


def _rnn_sigmoid(x, h_prev, W, U, b):
    return _sigmoid(h_prev @ W.T + x @ U.T + b)


def _rnn_w_not_transposed(x, h_prev, W, U, b):
    return np.tanh(h_prev @ W + x @ U.T + b)


def _rnn_no_bias(x, h_prev, W, U, b):
    return np.tanh(h_prev @ W.T + x @ U.T)


def _rnn_no_memory(x, h_prev, W, U, b):
    return np.tanh(x @ U.T + b)


def _rnn_cases(rng):
    n, D, H = 5, 3, 4
    return [
        Case("lote n=5, D=3, H=4 aleatorio", (rng.normal(size=(n, D)), rng.normal(size=(n, H)) * 0.5,
                                               rng.normal(size=(H, H)) * 0.5, rng.normal(size=(H, D)) * 0.5,
                                               rng.normal(size=H) * 0.5)),
        Case("un solo ejemplo (n=1), D=H=2", (rng.normal(size=(1, 2)), rng.normal(size=(1, 2)),
                                               rng.normal(size=(2, 2)), rng.normal(size=(2, 2)),
                                               rng.normal(size=2))),
        Case("estado anterior nulo", (rng.normal(size=(3, 2)), np.zeros((3, 4)), rng.normal(size=(4, 4)),
                                      rng.normal(size=(4, 2)), rng.normal(size=4))),
    ]


register(FunctionExercise(
    "08.1", "Un paso de una red recurrente", "rnn_step",
    reference=rnn_step, cases=_rnn_cases, points=1,
    mistakes=[
        Mistake("ex.08.1.no_tanh", _rnn_no_tanh),
        Mistake("ex.08.1.sigmoid", _rnn_sigmoid),
        Mistake("ex.08.1.w_not_transposed", _rnn_w_not_transposed),
        Mistake("ex.08.1.no_bias", _rnn_no_bias),
        Mistake("ex.08.1.no_memory", _rnn_no_memory),
    ],
    hints=["ex.08.1.hint1", "ex.08.1.hint2", "ex.08.1.hint3"],
))


# ---------------------------------------------------------------------------
# 08.2 · Retropropagación a través del tiempo
# ---------------------------------------------------------------------------

@reference("08.2")
def rnn_backward(X, hs, W, dhs):
    """BPTT de una RNN tanh. X: (T, n, D), hs: (T+1, n, H) con hs[0] = h0, W: (H, H),
    dhs: (T, n, H) = ∂L/∂h_t que llega de la salida en cada paso -> (dW, dU, db, dh0)."""
    T, n, H = dhs.shape
    dW = np.zeros((H, H))
    dU = np.zeros((H, X.shape[2]))
    db = np.zeros(H)
    dh_next = np.zeros((n, H))
    for t in reversed(range(T)):
        dh = dhs[t] + dh_next
        dz = dh * (1.0 - hs[t + 1] ** 2)
        dW += dz.T @ hs[t]
        dU += dz.T @ X[t]
        db += dz.sum(axis=0)
        dh_next = dz @ W
    return dW, dU, db, dh_next


def _bptt(X, hs, W, dhs, future=True, use_new_h=False, tanh_grad=True, transpose=False, accumulate=True):
    T, n, H = dhs.shape
    dW, dU, db = np.zeros((H, H)), np.zeros((H, X.shape[2])), np.zeros(H)
    dh_next = np.zeros((n, H))
    for t in reversed(range(T)):
        dh = dhs[t] + (dh_next if future else 0.0)
        dz = dh * (1.0 - hs[t + 1] ** 2) if tanh_grad else dh
        h_in = hs[t + 1] if use_new_h else hs[t]
        if accumulate:
            dW, dU, db = dW + dz.T @ h_in, dU + dz.T @ X[t], db + dz.sum(axis=0)
        else:
            dW, dU, db = dz.T @ h_in, dz.T @ X[t], dz.sum(axis=0)
        dh_next = dz @ (W.T if transpose else W)
    return dW, dU, db, dh_next


def _bptt_no_future(X, hs, W, dhs):
    return _bptt(X, hs, W, dhs, future=False)


def _bptt_uses_new_h(X, hs, W, dhs):
    return _bptt(X, hs, W, dhs, use_new_h=True)


def _bptt_no_tanh_grad(X, hs, W, dhs):
    return _bptt(X, hs, W, dhs, tanh_grad=False)


def _bptt_transposed(X, hs, W, dhs):
    return _bptt(X, hs, W, dhs, transpose=True)


def _bptt_overwrites(X, hs, W, dhs):
    return _bptt(X, hs, W, dhs, accumulate=False)


def _forward_states(rng, T, n, D, H, scale=0.6):
    X = rng.normal(size=(T, n, D))
    W = rng.normal(size=(H, H)) * scale / np.sqrt(H)
    U = rng.normal(size=(H, D)) * scale
    b = rng.normal(size=H) * 0.3
    hs = np.zeros((T + 1, n, H))
    hs[0] = rng.normal(size=(n, H)) * 0.5
    for t in range(T):
        hs[t + 1] = np.tanh(hs[t] @ W.T + X[t] @ U.T + b)
    return X, hs, W


def _bptt_cases(rng):
    X, hs, W = _forward_states(rng, 6, 4, 3, 5)
    X1, hs1, W1 = _forward_states(rng, 4, 1, 2, 3)
    dhs_last = np.zeros((4, 1, 3))
    dhs_last[-1] = rng.normal(size=(1, 3))
    X2, hs2, W2 = _forward_states(rng, 1, 3, 2, 2)
    return [
        Case("T=6, n=4, D=3, H=5 aleatorio", (X, hs, W, rng.normal(size=(6, 4, 5)))),
        Case("pérdida solo en el último paso (T=4, n=1)", (X1, hs1, W1, dhs_last)),
        Case("un solo paso (T=1)", (X2, hs2, W2, rng.normal(size=(1, 3, 2)))),
    ]


register(FunctionExercise(
    "08.2", "Retropropagación a través del tiempo", "rnn_backward",
    reference=rnn_backward, cases=_bptt_cases, points=2, parts=("dW", "dU", "db", "dh0"),
    parts_key="ex.08.2.return",
    mistakes=[
        Mistake("ex.08.2.no_future", _bptt_no_future),
        Mistake("ex.08.2.uses_new_h", _bptt_uses_new_h),
        Mistake("ex.08.2.no_tanh_grad", _bptt_no_tanh_grad),
        Mistake("ex.08.2.transposed", _bptt_transposed),
        Mistake("ex.08.2.overwrites", _bptt_overwrites),
    ],
    hints=["ex.08.2.hint1", "ex.08.2.hint2", "ex.08.2.hint3"],
))


# ---------------------------------------------------------------------------
# 08.3 · Recorte del gradiente por su norma global
# ---------------------------------------------------------------------------

@reference("08.3")
def clip_by_global_norm(grads, max_norm):
    """Recorta un dict {nombre: array} de gradientes para que su norma global no pase de max_norm -> dict nuevo."""
    total = np.sqrt(sum(float(np.sum(g ** 2)) for g in grads.values()))
    scale = max_norm / total if total > max_norm else 1.0
    return {name: g * scale for name, g in grads.items()}


def _clip_each(grads, max_norm):
    out = {}
    for name, g in grads.items():
        norm = np.sqrt(np.sum(g ** 2))
        out[name] = g * (max_norm / norm) if norm > max_norm else g.copy()
    return out


def _clip_elementwise(grads, max_norm):
    return {name: np.clip(g, -max_norm, max_norm) for name, g in grads.items()}


def _clip_always(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    return {name: g * (max_norm / total) for name, g in grads.items()}


def _clip_no_sqrt(grads, max_norm):
    total = sum(np.sum(g ** 2) for g in grads.values())
    scale = max_norm / total if total > max_norm else 1.0
    return {name: g * scale for name, g in grads.items()}


def _clip_cases(rng):
    big = {"W": rng.normal(size=(4, 4)) * 3, "U": rng.normal(size=(4, 2)) * 3, "b": rng.normal(size=4) * 3}
    mixed = {"W": rng.normal(size=(3, 3)) * 0.4, "b": rng.normal(size=3) * 0.4}  # each below, global above
    mixed_norm = np.sqrt(sum(np.sum(g ** 2) for g in mixed.values()))
    per_array = max(np.sqrt(np.sum(g ** 2)) for g in mixed.values())
    threshold = float((mixed_norm + per_array) / 2)
    small = {"W": rng.normal(size=(2, 2)) * 0.01, "b": rng.normal(size=2) * 0.01}
    return [
        Case("gradientes grandes, max_norm = 1", (big, 1.0)),
        Case("cada array por debajo del umbral, la norma global por encima", (mixed, threshold)),
        Case("norma por debajo del umbral (no se toca)", (small, 5.0)),
        Case("gradientes nulos", ({"W": np.zeros((2, 2)), "b": np.zeros(2)}, 1.0)),
    ]


register(FunctionExercise(
    "08.3", "Recorte del gradiente por su norma global", "clip_by_global_norm",
    reference=clip_by_global_norm, cases=_clip_cases, points=1,
    mistakes=[
        Mistake("ex.08.3.each", _clip_each),
        Mistake("ex.08.3.elementwise", _clip_elementwise),
        Mistake("ex.08.3.always", _clip_always),
        Mistake("ex.08.3.no_sqrt", _clip_no_sqrt),
    ],
    hints=["ex.08.3.hint1", "ex.08.3.hint2", "ex.08.3.hint3"],
))


# ---------------------------------------------------------------------------
# 08.4 · Un paso de una celda LSTM
# ---------------------------------------------------------------------------

@reference("08.4")
def lstm_step(x, h_prev, c_prev, W, U, b):
    """Un paso de LSTM con las puertas apiladas en el orden i, f, g, o (PyTorch y Keras).
    x: (n, D), h_prev y c_prev: (n, H), W: (4H, H), U: (4H, D), b: (4H,) -> (h, c), cada uno (n, H)."""
    H = h_prev.shape[1]
    z = x @ U.T + h_prev @ W.T + b
    i = 1.0 / (1.0 + np.exp(-z[:, :H]))
    f = 1.0 / (1.0 + np.exp(-z[:, H:2 * H]))
    g = np.tanh(z[:, 2 * H:3 * H])
    o = 1.0 / (1.0 + np.exp(-z[:, 3 * H:]))
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c


def _lstm(x, h_prev, c_prev, W, U, b, order="ifgo", g_act=np.tanh, tanh_c=True, swap_if=False):
    H = h_prev.shape[1]
    z = x @ U.T + h_prev @ W.T + b
    blocks = {name: z[:, k * H:(k + 1) * H] for k, name in enumerate(order)}
    i, f, o = _sigmoid(blocks["i"]), _sigmoid(blocks["f"]), _sigmoid(blocks["o"])
    g = g_act(blocks["g"])
    c = i * c_prev + f * g if swap_if else f * c_prev + i * g
    h = o * (np.tanh(c) if tanh_c else c)
    return h, c


def _lstm_order_ifog(*args):
    return _lstm(*args, order="ifog")


def _lstm_no_tanh_c(*args):
    return _lstm(*args, tanh_c=False)


def _lstm_g_sigmoid(*args):
    return _lstm(*args, g_act=_sigmoid)


def _lstm_swap_if(*args):
    return _lstm(*args, swap_if=True)


def _lstm_cases(rng):
    def case(n, D, H, c_scale=1.0):
        return (rng.normal(size=(n, D)), rng.normal(size=(n, H)) * 0.5, rng.normal(size=(n, H)) * c_scale,
                rng.normal(size=(4 * H, H)) * 0.5, rng.normal(size=(4 * H, D)) * 0.5, rng.normal(size=4 * H) * 0.5)

    return [
        Case("lote n=4, D=3, H=5 aleatorio", case(4, 3, 5)),
        Case("un solo ejemplo (n=1), D=2, H=3", case(1, 2, 3)),
        Case("memoria grande (c_prev ≈ ±3)", case(3, 2, 4, c_scale=3.0)),
    ]


register(FunctionExercise(
    "08.4", "Un paso de una celda LSTM", "lstm_step",
    reference=lstm_step, cases=_lstm_cases, points=2, parts=("h", "c"), parts_key="ex.08.4.return",
    mistakes=[
        Mistake("ex.08.4.order_ifog", _lstm_order_ifog),
        Mistake("ex.08.4.no_tanh_c", _lstm_no_tanh_c),
        Mistake("ex.08.4.g_sigmoid", _lstm_g_sigmoid),
        Mistake("ex.08.4.swap_if", _lstm_swap_if),
    ],
    hints=["ex.08.4.hint1", "ex.08.4.hint2", "ex.08.4.hint3"],
))


# ---------------------------------------------------------------------------
# 08.5 · Un paso de una celda GRU
# ---------------------------------------------------------------------------

@reference("08.5")
def gru_step(x, h_prev, W, U, b_x, b_h):
    """Un paso de GRU (orden r, z, n de PyTorch; reinicio tras el producto, como reset_after=True).
    x: (n, D), h_prev: (n, H), W: (3H, H), U: (3H, D), b_x y b_h: (3H,) -> h: (n, H)."""
    H = h_prev.shape[1]
    gx = x @ U.T + b_x
    gh = h_prev @ W.T + b_h
    r = 1.0 / (1.0 + np.exp(-(gx[:, :H] + gh[:, :H])))
    z = 1.0 / (1.0 + np.exp(-(gx[:, H:2 * H] + gh[:, H:2 * H])))
    n_cand = np.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1.0 - z) * n_cand + z * h_prev


def _gru(x, h_prev, W, U, b_x, b_h, order="rzn", z_swapped=False, reset="after"):
    H = h_prev.shape[1]
    gx = x @ U.T + b_x
    gh = h_prev @ W.T + b_h
    idx = {name: slice(k * H, (k + 1) * H) for k, name in enumerate(order)}
    r = _sigmoid(gx[:, idx["r"]] + gh[:, idx["r"]])
    z = _sigmoid(gx[:, idx["z"]] + gh[:, idx["z"]])
    if reset == "after":
        n_cand = np.tanh(gx[:, idx["n"]] + r * gh[:, idx["n"]])
    elif reset == "before":
        n_cand = np.tanh(gx[:, idx["n"]] + (r * h_prev) @ W[idx["n"]].T + b_h[idx["n"]])
    else:
        n_cand = np.tanh(gx[:, idx["n"]] + gh[:, idx["n"]])
    return z * n_cand + (1.0 - z) * h_prev if z_swapped else (1.0 - z) * n_cand + z * h_prev


def _gru_z_swapped(*args):
    return _gru(*args, z_swapped=True)


def _gru_reset_before(*args):
    return _gru(*args, reset="before")


def _gru_order_zrn(*args):
    return _gru(*args, order="zrn")


def _gru_no_reset(*args):
    return _gru(*args, reset="none")


def _gru_cases(rng):
    def case(n, D, H):
        return (rng.normal(size=(n, D)), rng.normal(size=(n, H)) * 0.7, rng.normal(size=(3 * H, H)) * 0.6,
                rng.normal(size=(3 * H, D)) * 0.6, rng.normal(size=3 * H) * 0.5, rng.normal(size=3 * H) * 0.5)

    return [
        Case("lote n=4, D=3, H=5 aleatorio", case(4, 3, 5)),
        Case("un solo ejemplo (n=1), D=2, H=3", case(1, 2, 3)),
        Case("D = H = 4", case(3, 4, 4)),
    ]


register(FunctionExercise(
    "08.5", "Un paso de una celda GRU", "gru_step",
    reference=gru_step, cases=_gru_cases, points=2,
    mistakes=[
        Mistake("ex.08.5.z_swapped", _gru_z_swapped),
        Mistake("ex.08.5.reset_before", _gru_reset_before),
        Mistake("ex.08.5.order_zrn", _gru_order_zrn),
        Mistake("ex.08.5.no_reset", _gru_no_reset),
    ],
    hints=["ex.08.5.hint1", "ex.08.5.hint2", "ex.08.5.hint3"],
))


# ---------------------------------------------------------------------------
# 08.6 · Pronóstico ingenuo estacional (la referencia que hay que batir)
# ---------------------------------------------------------------------------

@reference("08.6")
def seasonal_naive(series, start, season=1):
    """Pronóstico a un paso: para cada t >= start predice series[t - season] -> array (len(series) - start,)."""
    series = np.asarray(series, dtype=float)
    return series[start - season:len(series) - season].copy()


def _naive_leak(series, start, season=1):
    series = np.asarray(series, dtype=float)
    return series[start - season + 1:len(series) - season + 1].copy()


def _naive_all(series, start, season=1):
    series = np.asarray(series, dtype=float)
    return series[:len(series) - season].copy()


def _naive_future(series, start, season=1):
    series = np.asarray(series, dtype=float)
    out = series[start:].copy()
    out[:len(out) - season] = series[start + season:]
    return out


def _naive_mean(series, start, season=1):
    series = np.asarray(series, dtype=float)
    return np.full(len(series) - start, series[:start].mean())


def _naive_cases(rng):
    walk = np.cumsum(rng.normal(size=40)) + 10
    t = np.arange(60)
    seasonal = 5 * np.sin(2 * np.pi * t / 12) + rng.normal(size=60) * 0.3
    return [
        Case("paseo aleatorio, persistencia (season=1)", (walk, 30)),
        Case("serie mensual, season=12", (seasonal, 36), {"season": 12}),
        Case("start = season (el primer valor posible)", (seasonal[:30], 7), {"season": 7}),
        Case("lista de Python", (list(walk[:15]), 10, 2)),
    ]


register(FunctionExercise(
    "08.6", "Pronóstico ingenuo estacional", "seasonal_naive",
    reference=seasonal_naive, cases=_naive_cases, points=1,
    mistakes=[
        Mistake("ex.08.6.leak", _naive_leak),
        Mistake("ex.08.6.all", _naive_all),
        Mistake("ex.08.6.future", _naive_future),
        Mistake("ex.08.6.mean", _naive_mean),
    ],
    hints=["ex.08.6.hint1", "ex.08.6.hint2", "ex.08.6.hint3"],
))


# ---------------------------------------------------------------------------
# Self-validation (tests/test_exercises.py)
# ---------------------------------------------------------------------------

def _rnn_relu(x, h_prev, W, U, b):
    return np.maximum(0, h_prev @ W.T + x @ U.T + b)


def _bptt_three(X, hs, W, dhs):
    return _bptt(X, hs, W, dhs)[:3]


def _lstm_only_h(*args):
    return _lstm(*args)[0]


def _gru_returns_tuple(*args):
    return _gru(*args), _gru(*args)


WRONG_VARIANTS = {
    "08.1": [
        (_rnn_no_tanh, "ex.08.1.no_tanh"),
        (_rnn_sigmoid, "ex.08.1.sigmoid"),
        (_rnn_w_not_transposed, "ex.08.1.w_not_transposed"),
        (_rnn_no_bias, "ex.08.1.no_bias"),
        (_rnn_no_memory, "ex.08.1.no_memory"),
        (_rnn_relu, "cmp.values"),
    ],
    "08.2": [
        (_bptt_no_future, "ex.08.2.no_future"),
        (_bptt_uses_new_h, "ex.08.2.uses_new_h"),
        (_bptt_no_tanh_grad, "ex.08.2.no_tanh_grad"),
        (_bptt_transposed, "ex.08.2.transposed"),
        (_bptt_overwrites, "ex.08.2.overwrites"),
        (_bptt_three, "ex.08.2.return"),
    ],
    "08.3": [
        (_clip_each, "ex.08.3.each"),
        (_clip_elementwise, "ex.08.3.elementwise"),
        (_clip_always, "ex.08.3.always"),
        (_clip_no_sqrt, "ex.08.3.no_sqrt"),
    ],
    "08.4": [
        (_lstm_order_ifog, "ex.08.4.order_ifog"),
        (_lstm_no_tanh_c, "ex.08.4.no_tanh_c"),
        (_lstm_g_sigmoid, "ex.08.4.g_sigmoid"),
        (_lstm_swap_if, "ex.08.4.swap_if"),
        (_lstm_only_h, "ex.08.4.return"),
    ],
    "08.5": [
        (_gru_z_swapped, "ex.08.5.z_swapped"),
        (_gru_reset_before, "ex.08.5.reset_before"),
        (_gru_order_zrn, "ex.08.5.order_zrn"),
        (_gru_no_reset, "ex.08.5.no_reset"),
        (_gru_returns_tuple, "cmp.shape"),
    ],
    "08.6": [
        (_naive_leak, "ex.08.6.leak"),
        (_naive_all, "ex.08.6.all"),
        (_naive_future, "ex.08.6.future"),
        (_naive_mean, "ex.08.6.mean"),
    ],
}
