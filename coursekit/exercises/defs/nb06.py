"""Ejercicios del cuaderno 06 · Optimización para entrenar modelos profundos.

06.1 nesterov_step       — un paso de Nesterov con el gradiente en el punto adelantado.
06.2 adam_step           — un paso de Adam (convenio de PyTorch), con corrección del sesgo.
06.3 warmup_cosine       — calendario de la tasa: calentamiento lineal y después coseno.
06.4 init_std            — desviación típica de Glorot (tanh) o de He (ReLU).
06.5 clip_by_global_norm — recorte de una lista de gradientes por su norma global.

Every input is plain NumPy data (the batch grader sends it to a sandboxed process).
"""

import numpy as np

from coursekit.exercises.compare import compare
from coursekit.exercises.core import Case, FunctionExercise, Mistake, register
from coursekit.exercises.references import reference


def _frozen(*arrays):
    """Read-only float copies: an in-place change by the learner raises instead of leaking."""
    out = []
    for a in arrays:
        a = np.array(a, dtype=float, copy=True)
        a.flags.writeable = False
        out.append(a)
    return out


def _spd(rng, d, low=0.5, high=5.0):
    """A random symmetric positive-definite matrix with eigenvalues in [low, high]."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    H = Q @ np.diag(rng.uniform(low, high, d)) @ Q.T
    return (H + H.T) / 2


# ---------------------------------------------------------------- 06.1 · Nesterov

def nesterov_step(x, v, H, c, lr, beta):
    """Un paso de Nesterov con el gradiente en x + beta·v. -> (x_nuevo, v_nueva)."""
    x, v, H, c = (np.asarray(a, dtype=float) for a in (x, v, H, c))
    v_new = beta * v - lr * (H @ (x + beta * v) - c)
    return x + v_new, v_new


_nesterov_step_plain = nesterov_step  # sin guarda: la usan las variantes erróneas
nesterov_step = reference("06.1")(nesterov_step)


def _nag_no_lookahead(x, v, H, c, lr, beta):
    x, v, H, c = (np.asarray(a, dtype=float) for a in (x, v, H, c))
    v_new = beta * v - lr * (H @ x - c)
    return x + v_new, v_new


def _nag_lookahead_no_beta(x, v, H, c, lr, beta):
    x, v, H, c = (np.asarray(a, dtype=float) for a in (x, v, H, c))
    v_new = beta * v - lr * (H @ (x + v) - c)
    return x + v_new, v_new


def _nag_old_velocity(x, v, H, c, lr, beta):
    x, v, H, c = (np.asarray(a, dtype=float) for a in (x, v, H, c))
    v_new = beta * v - lr * (H @ (x + beta * v) - c)
    return x + v, v_new


def _nag_sign(x, v, H, c, lr, beta):
    x, v, H, c = (np.asarray(a, dtype=float) for a in (x, v, H, c))
    v_new = beta * v + lr * (H @ (x + beta * v) - c)
    return x + v_new, v_new


def _nag_plus_c(x, v, H, c, lr, beta):
    return _nesterov_step_plain(x, v, H, -np.asarray(c, dtype=float), lr, beta)


def _nag_swapped(x, v, H, c, lr, beta):
    x_new, v_new = _nesterov_step_plain(x, v, H, c, lr, beta)
    return v_new, x_new


def _nag_cases(rng):
    cases = []
    for label, d in (("cuadrática aleatoria en 2-D", 2), ("cuadrática aleatoria en 5-D", 5)):
        H = _spd(rng, d)
        cases.append(Case(label, (*_frozen(rng.normal(0, 2, d), rng.normal(0, 1, d), H, rng.normal(0, 1, d)),
                                  float(rng.uniform(0.02, 0.15)), float(rng.uniform(0.5, 0.95)))))
    H = _spd(rng, 3)
    cases.append(Case("velocidad inicial nula", (*_frozen(rng.normal(0, 2, 3), np.zeros(3), H, np.zeros(3)),
                                                 0.1, 0.9)))
    cases.append(Case("beta = 0 (descenso del gradiente)",
                      (*_frozen([1.0, -2.0], [0.5, 0.5], np.diag([1.0, 4.0]), [0.0, 1.0]), 0.1, 0.0)))
    return cases


register(FunctionExercise(
    "06.1", "Un paso de Nesterov con el gradiente adelantado", "nesterov_step",
    reference=nesterov_step, cases=_nag_cases, points=2, parts=("x", "v"), parts_key="ex.06.1.not_pair",
    hints=["ex.06.1.hint1", "ex.06.1.hint2", "ex.06.1.hint3"],
    mistakes=[
        Mistake("ex.06.1.no_lookahead", _nag_no_lookahead),
        Mistake("ex.06.1.lookahead_no_beta", _nag_lookahead_no_beta),
        Mistake("ex.06.1.old_velocity", _nag_old_velocity),
        Mistake("ex.06.1.sign", _nag_sign),
        Mistake("ex.06.1.plus_c", _nag_plus_c),
        Mistake("ex.06.1.swapped", _nag_swapped),
    ],
    rtol=1e-7, atol=1e-10,
))


# ---------------------------------------------------------------- 06.2 · Adam

def adam_step(theta, grad, m, s, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Un paso de Adam (convenio de PyTorch). -> (theta_nuevo, m_nuevo, s_nuevo)."""
    theta, grad, m, s = (np.asarray(a, dtype=float) for a in (theta, grad, m, s))
    m = beta1 * m + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    s_hat = s / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(s_hat) + eps), m, s


_adam_step_plain = adam_step  # sin guarda: la usan las variantes erróneas
adam_step = reference("06.2")(adam_step)


def _adam_parts(theta, grad, m, s, t, lr, beta1, beta2, eps):
    theta, grad, m, s = (np.asarray(a, dtype=float) for a in (theta, grad, m, s))
    m = beta1 * m + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad ** 2
    return theta, m, s, m / (1 - beta1 ** t), s / (1 - beta2 ** t)


def _adam_no_bias_correction(theta, grad, m, s, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    theta, m, s, _, _ = _adam_parts(theta, grad, m, s, t, lr, beta1, beta2, eps)
    return theta - lr * m / (np.sqrt(s) + eps), m, s


def _adam_returns_corrected(theta, grad, m, s, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    theta, m, s, m_hat, s_hat = _adam_parts(theta, grad, m, s, t, lr, beta1, beta2, eps)
    return theta - lr * m_hat / (np.sqrt(s_hat) + eps), m_hat, s_hat


def _adam_eps_inside(theta, grad, m, s, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    theta, m, s, m_hat, s_hat = _adam_parts(theta, grad, m, s, t, lr, beta1, beta2, eps)
    return theta - lr * m_hat / np.sqrt(s_hat + eps), m, s


def _adam_keras_eps(theta, grad, m, s, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    theta, m, s, _, _ = _adam_parts(theta, grad, m, s, t, lr, beta1, beta2, eps)
    alpha = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return theta - alpha * m / (np.sqrt(s) + eps), m, s


def _adam_grad_not_squared(theta, grad, m, s, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    theta, grad, m, s = (np.asarray(a, dtype=float) for a in (theta, grad, m, s))
    m = beta1 * m + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * np.abs(grad)
    return theta - lr * (m / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + eps), m, s


def _adam_t_minus_one(theta, grad, m, s, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    theta, grad, m, s = (np.asarray(a, dtype=float) for a in (theta, grad, m, s))
    m = beta1 * m + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad ** 2
    k = t + 1
    return theta - lr * (m / (1 - beta1 ** k)) / (np.sqrt(s / (1 - beta2 ** k)) + eps), m, s


def _adam_swapped_betas(theta, grad, m, s, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    theta, grad, m, s = (np.asarray(a, dtype=float) for a in (theta, grad, m, s))
    m = (1 - beta1) * m + beta1 * grad
    s = (1 - beta2) * s + beta2 * grad ** 2
    return theta - lr * (m / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + eps), m, s


def _adam_plus(theta, grad, m, s, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    theta_new, m, s = _adam_step_plain(theta, grad, m, s, t, lr, beta1, beta2, eps)
    return 2 * np.asarray(theta, dtype=float) - theta_new, m, s


def _adam_cases(rng):
    cases = []
    d = int(rng.integers(3, 8))
    cases.append(Case("primer paso (t = 1, m = s = 0)",
                      (*_frozen(rng.normal(size=d), rng.normal(0, 2, d), np.zeros(d), np.zeros(d)), 1),
                      {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}))
    g = rng.normal(0, 1, 4)
    cases.append(Case("paso t = 7 con estado acumulado",
                      (*_frozen(rng.normal(size=4), g, 0.3 * g + rng.normal(0, 0.1, 4), rng.uniform(0.1, 1.0, 4)), 7),
                      {"lr": float(rng.uniform(0.001, 0.1)), "beta1": 0.8, "beta2": 0.99, "eps": 1e-8}))
    cases.append(Case("gradientes diminutos (del orden de ε) en t = 3",
                      (*_frozen(rng.normal(size=5), rng.normal(0, 1e-8, 5), rng.normal(0, 1e-8, 5),
                                rng.uniform(1e-17, 4e-16, 5)), 3),
                      {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}))
    cases.append(Case("valores por defecto, matriz 2×3, t = 50",
                      (*_frozen(rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(0, 0.5, (2, 3)),
                                rng.uniform(0.5, 2.0, (2, 3))), 50)))
    return cases


register(FunctionExercise(
    "06.2", "Un paso de Adam", "adam_step", reference=adam_step, cases=_adam_cases, points=2,
    parts=("theta", "m", "s"), parts_key="ex.06.2.not_triple",
    hints=["ex.06.2.hint1", "ex.06.2.hint2", "ex.06.2.hint3"],
    mistakes=[
        Mistake("ex.06.2.no_bias_correction", _adam_no_bias_correction),
        Mistake("ex.06.2.returns_corrected", _adam_returns_corrected),
        Mistake("ex.06.2.keras_eps", _adam_keras_eps),  # antes que eps_inside: en t = 1 casi coinciden
        Mistake("ex.06.2.eps_inside", _adam_eps_inside),
        Mistake("ex.06.2.not_squared", _adam_grad_not_squared),
        Mistake("ex.06.2.t_off_by_one", _adam_t_minus_one),
        Mistake("ex.06.2.swapped_betas", _adam_swapped_betas),
        Mistake("ex.06.2.plus", _adam_plus),
    ],
    rtol=1e-7, atol=1e-12,
))


# ---------------------------------------------------------------- 06.3 · coseno con calentamiento

def warmup_cosine(total_steps, warmup_steps, peak_lr, min_lr=0.0):
    """Tasa de cada paso: calentamiento lineal y después coseno. -> array (total_steps,)."""
    t = np.arange(int(total_steps), dtype=float)
    decay_steps = total_steps - warmup_steps
    warm = peak_lr * t / max(warmup_steps, 1)
    cosine = min_lr + 0.5 * (peak_lr - min_lr) * (1 + np.cos(np.pi * (t - warmup_steps) / decay_steps))
    return np.where(t < warmup_steps, warm, cosine)


_warmup_cosine_plain = warmup_cosine  # sin guarda: la usan las variantes erróneas
warmup_cosine = reference("06.3")(warmup_cosine)


def _wc_variant(total_steps, warmup_steps, peak_lr, min_lr=0.0, *, warm_shift=0, decay_over_total=False,
                ignore_min=False, no_warmup=False, decay_minus_one=False):
    t = np.arange(int(total_steps), dtype=float)
    decay_steps = total_steps if decay_over_total else total_steps - warmup_steps - (1 if decay_minus_one else 0)
    start = 0 if decay_over_total else warmup_steps
    low = 0.0 if ignore_min else min_lr
    warm = peak_lr * (t + warm_shift) / max(warmup_steps, 1)
    cosine = low + 0.5 * (peak_lr - low) * (1 + np.cos(np.pi * (t - start) / max(decay_steps, 1)))
    if no_warmup:
        cosine = low + 0.5 * (peak_lr - low) * (1 + np.cos(np.pi * t / total_steps))
        return cosine
    return np.where(t < warmup_steps, warm, cosine)


def _wc_warm_plus_one(total_steps, warmup_steps, peak_lr, min_lr=0.0):
    return _wc_variant(total_steps, warmup_steps, peak_lr, min_lr, warm_shift=1)


def _wc_decay_over_total(total_steps, warmup_steps, peak_lr, min_lr=0.0):
    return _wc_variant(total_steps, warmup_steps, peak_lr, min_lr, decay_over_total=True)


def _wc_ignore_min(total_steps, warmup_steps, peak_lr, min_lr=0.0):
    return _wc_variant(total_steps, warmup_steps, peak_lr, min_lr, ignore_min=True)


def _wc_no_warmup(total_steps, warmup_steps, peak_lr, min_lr=0.0):
    return _wc_variant(total_steps, warmup_steps, peak_lr, min_lr, no_warmup=True)


def _wc_decay_minus_one(total_steps, warmup_steps, peak_lr, min_lr=0.0):
    return _wc_variant(total_steps, warmup_steps, peak_lr, min_lr, decay_minus_one=True)


def _wc_min_times_peak(total_steps, warmup_steps, peak_lr, min_lr=0.0):
    return _warmup_cosine_plain(total_steps, warmup_steps, peak_lr, min_lr * peak_lr)


def _wc_cases(rng):
    total = int(rng.integers(60, 200))
    warm = int(rng.integers(3, total // 4))
    peak = float(rng.uniform(0.01, 1.0))
    return [
        Case("calentamiento y coseno", (total, warm, peak, float(peak * rng.uniform(0.01, 0.2)))),
        Case("min_lr = 0", (int(rng.integers(30, 80)), int(rng.integers(2, 10)), float(rng.uniform(0.1, 2.0)), 0.0)),
        Case("sin calentamiento (warmup_steps = 0)", (50, 0, 0.1, 0.001)),
        Case("un solo paso de calentamiento", (20, 1, 1.0, 0.0)),
    ]


register(FunctionExercise(
    "06.3", "Coseno con calentamiento", "warmup_cosine", reference=warmup_cosine, cases=_wc_cases, points=2,
    hints=["ex.06.3.hint1", "ex.06.3.hint2", "ex.06.3.hint3"],
    mistakes=[
        Mistake("ex.06.3.warm_plus_one", _wc_warm_plus_one),
        Mistake("ex.06.3.decay_over_total", _wc_decay_over_total),
        Mistake("ex.06.3.ignore_min", _wc_ignore_min),
        Mistake("ex.06.3.no_warmup", _wc_no_warmup),
        Mistake("ex.06.3.decay_minus_one", _wc_decay_minus_one),
        Mistake("ex.06.3.min_times_peak", _wc_min_times_peak),
    ],
    rtol=1e-7, atol=1e-12,
))


# ---------------------------------------------------------------- 06.4 · desviación de la inicialización

def init_std(fan_in, fan_out, activation):
    """Desviación típica de Glorot ("tanh") o de He ("relu") para una capa fan_in -> fan_out."""
    fan_in = np.asarray(fan_in, dtype=float)
    fan_out = np.asarray(fan_out, dtype=float)
    if activation == "relu":
        return np.sqrt(2 / fan_in)
    return np.sqrt(2 / (fan_in + fan_out))


_init_std_plain = init_std  # sin guarda: la usan las variantes erróneas
init_std = reference("06.4")(init_std)


def _init_variance(fan_in, fan_out, activation):
    return _init_std_plain(fan_in, fan_out, activation) ** 2


def _init_he_fan_out(fan_in, fan_out, activation):
    if activation == "relu":
        return np.sqrt(2 / np.asarray(fan_out, dtype=float))
    return _init_std_plain(fan_in, fan_out, activation)


def _init_he_no_two(fan_in, fan_out, activation):
    if activation == "relu":
        return np.sqrt(1 / np.asarray(fan_in, dtype=float))
    return _init_std_plain(fan_in, fan_out, activation)


def _init_glorot_fan_in(fan_in, fan_out, activation):
    if activation == "tanh":
        return np.sqrt(1 / np.asarray(fan_in, dtype=float))
    return _init_std_plain(fan_in, fan_out, activation)


def _init_uniform_limit(fan_in, fan_out, activation):
    return np.sqrt(3) * _init_std_plain(fan_in, fan_out, activation)


def _init_swapped(fan_in, fan_out, activation):
    return _init_std_plain(fan_in, fan_out, "tanh" if activation == "relu" else "relu")


def _init_glorot_no_two(fan_in, fan_out, activation):
    if activation == "tanh":
        return np.sqrt(1 / (np.asarray(fan_in, dtype=float) + np.asarray(fan_out, dtype=float)))
    return _init_std_plain(fan_in, fan_out, activation)


def _init_cases(rng):
    fan_in = int(rng.integers(10, 1000))
    fan_out = int(rng.integers(10, 1000))
    while fan_out == fan_in:
        fan_out = int(rng.integers(10, 1000))
    fans_in = rng.integers(2, 500, 4)
    fans_out = rng.integers(501, 900, 4)
    return [
        Case("ReLU, capa aleatoria", (fan_in, fan_out, "relu")),
        Case("tanh, capa aleatoria", (fan_in, fan_out, "tanh")),
        Case("ReLU, 784 → 128", (784, 128, "relu")),
        Case("tanh, 784 → 128", (784, 128, "tanh")),
        Case("arrays de fan_in y fan_out, ReLU", (fans_in, fans_out, "relu")),
        Case("arrays de fan_in y fan_out, tanh", (fans_in, fans_out, "tanh")),
    ]


register(FunctionExercise(
    "06.4", "La desviación típica de la inicialización", "init_std", reference=init_std, cases=_init_cases,
    points=2, hints=["ex.06.4.hint1", "ex.06.4.hint2", "ex.06.4.hint3"],
    mistakes=[
        Mistake("ex.06.4.variance", _init_variance),
        Mistake("ex.06.4.he_fan_out", _init_he_fan_out),
        Mistake("ex.06.4.he_no_two", _init_he_no_two),
        Mistake("ex.06.4.glorot_fan_in", _init_glorot_fan_in),
        Mistake("ex.06.4.uniform_limit", _init_uniform_limit),
        Mistake("ex.06.4.swapped", _init_swapped),
        Mistake("ex.06.4.glorot_no_two", _init_glorot_no_two),
    ],
    rtol=1e-7, atol=1e-12,
))


# ---------------------------------------------------------------- 06.5 · recorte por la norma global

def clip_by_global_norm(grads, max_norm):
    """Recorta una lista de gradientes por su norma global. -> lista nueva de arrays."""
    grads = [np.asarray(g, dtype=float) for g in grads]
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return [g * scale for g in grads]


_clip_by_global_norm_plain = clip_by_global_norm  # sin guarda: la usan las variantes erróneas
clip_by_global_norm = reference("06.5")(clip_by_global_norm)


def _clip_each(grads, max_norm):
    out = []
    for g in grads:
        g = np.asarray(g, dtype=float)
        norm = float(np.linalg.norm(g))
        out.append(g * min(1.0, max_norm / norm) if norm > 0 else g)
    return out


def _clip_always(grads, max_norm):
    grads = [np.asarray(g, dtype=float) for g in grads]
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    return [g * (max_norm / total) for g in grads]


def _clip_by_value(grads, max_norm):
    return [np.clip(np.asarray(g, dtype=float), -max_norm, max_norm) for g in grads]


def _clip_squared_norm(grads, max_norm):
    grads = [np.asarray(g, dtype=float) for g in grads]
    total = float(sum(np.sum(g ** 2) for g in grads))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return [g * scale for g in grads]


def _clip_sum_of_norms(grads, max_norm):
    grads = [np.asarray(g, dtype=float) for g in grads]
    total = float(sum(np.linalg.norm(g) for g in grads))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return [g * scale for g in grads]


def _clip_inverted(grads, max_norm):
    grads = [np.asarray(g, dtype=float) for g in grads]
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    scale = min(1.0, total / max_norm) if total > 0 else 1.0
    return [g * scale for g in grads]


def _clip_cases(rng):
    big = [rng.normal(0, 3, (4, 3)), rng.normal(0, 3, 3), rng.normal(0, 3, (3, 1)), rng.normal(0, 3, 1)]
    small = [rng.normal(0, 0.01, (3, 2)), rng.normal(0, 0.01, 2)]
    one_big = [rng.normal(0, 0.1, (5, 4)), np.array([50.0, -20.0, 0.3, 0.1])]
    return [
        Case("gradientes grandes (se recortan)", (_frozen(*big), float(rng.uniform(0.5, 2.0)))),
        Case("gradientes pequeños (no se tocan)", (_frozen(*small), 1.0)),
        Case("un tensor enorme y otro pequeño", (_frozen(*one_big), 5.0)),
        Case("todo ceros", (_frozen(np.zeros((2, 2)), np.zeros(3)), 1.0)),
    ]


class _ArrayListExercise(FunctionExercise):
    """The function returns a list of arrays of different shapes, compared one by one."""

    def problem(self, actual, expected, equal_nan=False):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            return ("", None)
        for i, (a_part, e_part) in enumerate(zip(actual, expected)):
            result = compare(a_part, e_part, rtol=self.rtol, atol=self.atol, equal_nan=equal_nan)
            if not result.ok:
                return (f"array {i}", result)
        return None


register(_ArrayListExercise(
    "06.5", "Recorte por la norma global", "clip_by_global_norm", reference=clip_by_global_norm,
    cases=_clip_cases, points=2, hints=["ex.06.5.hint1", "ex.06.5.hint2", "ex.06.5.hint3"],
    parts=("lista de arrays",), parts_key="ex.06.5.not_list",
    mistakes=[
        Mistake("ex.06.5.per_tensor", _clip_each),
        Mistake("ex.06.5.always", _clip_always),
        Mistake("ex.06.5.by_value", _clip_by_value),
        Mistake("ex.06.5.squared_norm", _clip_squared_norm),
        Mistake("ex.06.5.sum_of_norms", _clip_sum_of_norms),
        Mistake("ex.06.5.inverted", _clip_inverted),
    ],
    rtol=1e-5, atol=1e-9,
))


# ---------------------------------------------------------------- autovalidación

def _raises(*args, **kwargs):
    raise ValueError("operands could not be broadcast together with shapes (3,) (2,)")


WRONG_VARIANTS = {
    "06.1": [
        (_nag_no_lookahead, "ex.06.1.no_lookahead"),
        (_nag_lookahead_no_beta, "ex.06.1.lookahead_no_beta"),
        (_nag_old_velocity, "ex.06.1.old_velocity"),
        (_nag_sign, "ex.06.1.sign"),
        (lambda x, v, H, c, lr, beta: _nesterov_step_plain(x, v, H, c, lr, beta)[0], "ex.06.1.not_pair"),
    ],
    "06.2": [
        (_adam_no_bias_correction, "ex.06.2.no_bias_correction"),
        (_adam_returns_corrected, "ex.06.2.returns_corrected"),
        (_adam_eps_inside, "ex.06.2.eps_inside"),
        (_adam_keras_eps, "ex.06.2.keras_eps"),
        (_adam_t_minus_one, "ex.06.2.t_off_by_one"),
        (_raises, "check.learner_error"),
    ],
    "06.3": [
        (_wc_warm_plus_one, "ex.06.3.warm_plus_one"),
        (_wc_decay_over_total, "ex.06.3.decay_over_total"),
        (_wc_ignore_min, "ex.06.3.ignore_min"),
        (_wc_no_warmup, "ex.06.3.no_warmup"),
    ],
    "06.4": [
        (_init_variance, "ex.06.4.variance"),
        (_init_he_fan_out, "ex.06.4.he_fan_out"),
        (_init_he_no_two, "ex.06.4.he_no_two"),
        (_init_glorot_fan_in, "ex.06.4.glorot_fan_in"),
        (_init_uniform_limit, "ex.06.4.uniform_limit"),
    ],
    "06.5": [
        (_clip_each, "ex.06.5.per_tensor"),
        (_clip_always, "ex.06.5.always"),
        (_clip_by_value, "ex.06.5.by_value"),
        (_clip_squared_norm, "ex.06.5.squared_norm"),
        (lambda grads, max_norm: np.concatenate([np.ravel(g) for g in grads]), "ex.06.5.not_list"),
    ],
}
