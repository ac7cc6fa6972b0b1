"""Ejercicios del cuaderno 07 · Redes convolucionales.

07.2-07.4 are plain NumPy/Python functions checked against the reference on fresh
random inputs plus fixed edge cases. 07.5 trains a small CNN on the shifted digits of
``coursekit.synthetic_images.make_shifted_digits``; it is judged on held-out images the
learner never sees, and its size is read from the model description (one build on a
tiny training set, so the check does not train twice on the full set).
Keras and torch are imported only inside the functions that need them.
"""

import numpy as np

from coursekit.exercises.core import (
    Case, CustomExercise, Failed, FunctionExercise, LearnerError, Mistake, register, require,
)
from coursekit.exercises.model_checks import require_accuracy, stratified_holdout
from coursekit.exercises.references import reference
from coursekit.messages import msg

# ---------------------------------------------------------------------------
# 07.2 · Convolución 2-D hacia delante (varios canales y filtros, relleno y paso)
# ---------------------------------------------------------------------------


def _conv(x, W, b, stride=1, padding=0, flip=False, use_bias=True, use_stride=True, use_padding=True):
    x = np.asarray(x, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    if flip:
        W = W[::-1, ::-1]
    s = stride if use_stride else 1
    p = padding if use_padding else 0
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    kh, kw = W.shape[:2]
    h_out = (xp.shape[1] - kh) // s + 1
    w_out = (xp.shape[2] - kw) // s + 1
    out = np.zeros((x.shape[0], h_out, w_out, W.shape[3]))
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, i * s:i * s + kh, j * s:j * s + kw, :]
            out[:, i, j, :] = np.tensordot(window, W, axes=([1, 2, 3], [0, 1, 2]))
    return out + (np.asarray(b, dtype=np.float64) if use_bias else 0.0)


@reference("07.2")
def conv2d_forward(x, W, b, stride=1, padding=0):
    """Correlación cruzada 2-D. x: (n, H, W, C_in), W: (kh, kw, C_in, C_out), b: (C_out,) -> (n, H_out, W_out, C_out)."""
    x = np.asarray(x, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    kh, kw = W.shape[:2]
    h_out = (xp.shape[1] - kh) // stride + 1
    w_out = (xp.shape[2] - kw) // stride + 1
    out = np.empty((x.shape[0], h_out, w_out, W.shape[3]))
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(window, W, axes=([1, 2, 3], [0, 1, 2]))
    return out + np.asarray(b, dtype=np.float64)


def _conv_flipped(x, W, b, stride=1, padding=0):
    return _conv(x, W, b, stride, padding, flip=True)


def _conv_no_bias(x, W, b, stride=1, padding=0):
    return _conv(x, W, b, stride, padding, use_bias=False)


def _conv_no_stride(x, W, b, stride=1, padding=0):
    return _conv(x, W, b, stride, padding, use_stride=False)


def _conv_no_padding(x, W, b, stride=1, padding=0):
    return _conv(x, W, b, stride, padding, use_padding=False)


def _conv_first_channel(x, W, b, stride=1, padding=0):
    return _conv(np.asarray(x)[..., :1], np.asarray(W)[:, :, :1, :], b, stride, padding)


def _conv_cases(rng):
    def case(label, n, h, w, c_in, kh, kw, c_out, stride=1, padding=0):
        x = rng.normal(size=(n, h, w, c_in))
        W = rng.normal(size=(kh, kw, c_in, c_out))
        b = rng.normal(size=(c_out,))
        return Case(label, (x, W, b), {"stride": stride, "padding": padding})

    return [
        case("una imagen 5×5 de un canal, un filtro 3×3", 1, 5, 5, 1, 3, 3, 1),
        case("2 imágenes 6×7 de 3 canales, 4 filtros 3×3", 2, 6, 7, 3, 3, 3, 4),
        case("relleno 1 (salida del mismo tamaño)", 2, 6, 6, 2, 3, 3, 3, padding=1),
        case("paso 2", 1, 9, 9, 2, 3, 3, 2, stride=2),
        case("paso 2 y relleno 1 en una imagen 8×8", 2, 8, 8, 3, 3, 3, 2, stride=2, padding=1),
        case("filtro no cuadrado 2×3", 1, 6, 6, 2, 2, 3, 2),
        case("filtro 1×1", 2, 4, 4, 3, 1, 1, 5),
        case("tamaños aleatorios", int(rng.integers(1, 3)), int(rng.integers(6, 10)), int(rng.integers(6, 10)),
             int(rng.integers(1, 4)), 3, 3, int(rng.integers(1, 4)), stride=int(rng.integers(1, 3)),
             padding=int(rng.integers(0, 2))),
    ]


register(FunctionExercise(
    "07.2", "Convolución 2-D hacia delante", "conv2d_forward",
    reference=conv2d_forward, cases=_conv_cases, points=3, rtol=1e-6, atol=1e-8,
    mistakes=[
        Mistake("ex.07.2.flipped", _conv_flipped),
        Mistake("ex.07.2.no_bias", _conv_no_bias),
        Mistake("ex.07.2.stride_ignored", _conv_no_stride),
        Mistake("ex.07.2.padding_ignored", _conv_no_padding),
        Mistake("ex.07.2.first_channel", _conv_first_channel),
    ],
    hints=["ex.07.2.hint1", "ex.07.2.hint2", "ex.07.2.hint3"],
))


# ---------------------------------------------------------------------------
# 07.1 · El tamaño de la salida
# ---------------------------------------------------------------------------

@reference("07.1")
def conv_output_size(n, k, padding, stride):
    """Tamaño de la salida de una convolución (o agrupación) con entrada n, filtro k, relleno y paso."""
    return (n + 2 * padding - k) // stride + 1


def _size_no_floor(n, k, padding, stride):
    return (n + 2 * padding - k) / stride + 1


def _size_one_side(n, k, padding, stride):
    return (n + padding - k) // stride + 1


def _size_no_plus_one(n, k, padding, stride):
    return (n + 2 * padding - k) // stride


def _size_no_stride(n, k, padding, stride):
    return n + 2 * padding - k + 1


def _size_ceil(n, k, padding, stride):
    return -(-(n + 2 * padding - k) // stride) + 1


def _size_cases(rng):
    return [
        Case("capa 1 del modelo B: 32, filtro 3, sin relleno", (32, 3, 0, 1)),
        Case("capa 1 del modelo A: 256, filtro 3, relleno 1, paso 1", (256, 3, 1, 1)),
        Case("agrupación 2×2 de 30: filtro 2, paso 2", (30, 2, 0, 2)),
        Case("8 con filtro 3 y paso 2 (la división no es exacta)", (8, 3, 0, 2)),
        Case("filtro del tamaño de la entrada", (5, 5, 0, 1)),
        Case("filtro 5, relleno 2, paso 2 sobre 28", (28, 5, 2, 2)),
        Case("tamaños aleatorios", (int(rng.integers(20, 200)), 3, int(rng.integers(0, 3)), 3)),
        Case("tamaños aleatorios (paso 1)", (int(rng.integers(10, 100)), int(rng.integers(1, 8)), 0, 1)),
    ]


register(FunctionExercise(
    "07.1", "El tamaño de la salida", "conv_output_size",
    reference=conv_output_size, cases=_size_cases, points=1, rtol=0, atol=0,
    mistakes=[
        Mistake("ex.07.1.no_floor", _size_no_floor),
        Mistake("ex.07.1.one_side_padding", _size_one_side),
        Mistake("ex.07.1.no_plus_one", _size_no_plus_one),
        Mistake("ex.07.1.stride_ignored", _size_no_stride),
        Mistake("ex.07.1.ceil", _size_ceil),
    ],
    hints=["ex.07.1.hint1", "ex.07.1.hint2", "ex.07.1.hint3"],
))


# ---------------------------------------------------------------------------
# 07.3 · Agrupación máxima y media
# ---------------------------------------------------------------------------

def _pool(x, size, stride, mode, reduce_channels=False, ignore_mode=False, ignore_stride=False,
          partial=False):
    x = np.asarray(x, dtype=np.float64)
    s = 1 if ignore_stride else stride
    op = np.max if (ignore_mode or mode == "max") else np.mean
    n, h, w, c = x.shape
    if partial:
        h_out = -(-(h - size) // s) + 1
        w_out = -(-(w - size) // s) + 1
    else:
        h_out = (h - size) // s + 1
        w_out = (w - size) // s + 1
    out = np.empty((n, h_out, w_out, 1 if reduce_channels else c))
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, i * s:i * s + size, j * s:j * s + size, :]
            axes = (1, 2, 3) if reduce_channels else (1, 2)
            out[:, i, j, :] = op(window, axis=axes).reshape(n, -1)
    return out


@reference("07.3")
def pool2d(x, size, stride, mode="max"):
    """Agrupación 2-D por canal. x: (n, H, W, C); ventanas size×size cada stride píxeles; mode "max" o "avg"."""
    x = np.asarray(x, dtype=np.float64)
    n, h, w, c = x.shape
    h_out = (h - size) // stride + 1
    w_out = (w - size) // stride + 1
    out = np.empty((n, h_out, w_out, c))
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, i * stride:i * stride + size, j * stride:j * stride + size, :]
            out[:, i, j, :] = window.max(axis=(1, 2)) if mode == "max" else window.mean(axis=(1, 2))
    return out


def _pool_over_channels(x, size, stride, mode="max"):
    return _pool(x, size, stride, mode, reduce_channels=True)


def _pool_mode_ignored(x, size, stride, mode="max"):
    return _pool(x, size, stride, mode, ignore_mode=True)


def _pool_stride_ignored(x, size, stride, mode="max"):
    return _pool(x, size, stride, mode, ignore_stride=True)


def _pool_partial(x, size, stride, mode="max"):
    """Also pools the incomplete windows at the border (Keras' padding="same" for pooling)."""
    x = np.asarray(x, dtype=np.float64)
    n, h, w, c = x.shape
    h_out = -(-(h - size) // stride) + 1
    w_out = -(-(w - size) // stride) + 1
    op = np.max if mode == "max" else np.mean
    out = np.empty((n, h_out, w_out, c))
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, i * stride:i * stride + size, j * stride:j * stride + size, :]
            out[:, i, j, :] = op(window, axis=(1, 2))
    return out


def _pool_cases(rng):
    def case(label, n, h, w, c, size, stride, mode):
        return Case(label, (rng.normal(size=(n, h, w, c)), size, stride, mode))

    return [
        case("máxima 2×2, paso 2, sobre 4×4 con 1 canal", 1, 4, 4, 1, 2, 2, "max"),
        case("media 2×2, paso 2, sobre 6×6 con 3 canales", 2, 6, 6, 3, 2, 2, "avg"),
        case("máxima 3×3, paso 1 (ventanas solapadas)", 1, 5, 6, 2, 3, 1, "max"),
        case("máxima 2×2, paso 2, tamaño impar 7×7 (sobra un borde)", 2, 7, 7, 2, 2, 2, "max"),
        case("media 3×3, paso 2", 1, 9, 9, 4, 3, 2, "avg"),
        case("tamaños aleatorios", int(rng.integers(1, 4)), int(rng.integers(5, 12)), int(rng.integers(5, 12)),
             int(rng.integers(1, 5)), 2, 2, str(rng.choice(["max", "avg"]))),
    ]


register(FunctionExercise(
    "07.3", "Agrupación máxima y media", "pool2d",
    reference=pool2d, cases=_pool_cases, points=2, rtol=1e-9, atol=1e-12,
    mistakes=[
        Mistake("ex.07.3.over_channels", _pool_over_channels),
        Mistake("ex.07.3.mode_ignored", _pool_mode_ignored),
        Mistake("ex.07.3.stride_ignored", _pool_stride_ignored),
        Mistake("ex.07.3.partial_windows", _pool_partial),
    ],
    hints=["ex.07.3.hint1", "ex.07.3.hint2", "ex.07.3.hint3"],
))


# ---------------------------------------------------------------------------
# 07.4 · Contar los parámetros de una CNN capa a capa
# ---------------------------------------------------------------------------

def _count(input_shape, layers, channels=True, bias=True, pool=True, valid=True, flatten_all=True):
    h, w, c = input_shape
    counts = []
    features = None
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            filters, k, padding = layer[1], layer[2], layer[3]
            counts.append(k * k * (c if channels else 1) * filters + (filters if bias else 0))
            if padding == "valid" and valid:
                h, w = h - k + 1, w - k + 1
            c = filters
        elif kind == "pool":
            if pool:
                h, w = h // layer[1], w // layer[1]
            counts.append(0)
        elif kind == "flatten":
            features = h * w * c if flatten_all else c
            counts.append(0)
        elif kind == "dense":
            units = layer[1]
            n_in = features if features is not None else c
            counts.append(n_in * units + (units if bias else 0))
            features = units
            c = units
        else:
            raise ValueError(f"capa desconocida: {kind!r}")
    return counts


@reference("07.4")
def count_cnn_params(input_shape, layers):
    """Parámetros de cada capa de una CNN. input_shape: (H, W, C); layers: lista de tuplas -> lista de enteros."""
    h, w, c = input_shape
    counts = []
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            filters, k, padding = layer[1], layer[2], layer[3]
            counts.append(k * k * c * filters + filters)
            if padding == "valid":
                h, w = h - k + 1, w - k + 1
            c = filters
        elif kind == "pool":
            h, w = h // layer[1], w // layer[1]
            counts.append(0)
        elif kind == "flatten":
            h, w, c = 1, 1, h * w * c
            counts.append(0)
        elif kind == "dense":
            counts.append(c * layer[1] + layer[1])
            c = layer[1]
        else:
            raise ValueError(f"capa desconocida: {kind!r}")
    return counts


def _count_no_channels(input_shape, layers):
    return _count(input_shape, layers, channels=False)


def _count_no_bias(input_shape, layers):
    return _count(input_shape, layers, bias=False)


def _count_pool_ignored(input_shape, layers):
    return _count(input_shape, layers, pool=False)


def _count_valid_as_same(input_shape, layers):
    return _count(input_shape, layers, valid=False)


def _count_flatten_channels(input_shape, layers):
    return _count(input_shape, layers, flatten_all=False)


MODEL_A_LAYERS = [
    ("conv", 256, 3, "same"), ("pool", 2),
    ("conv", 128, 3, "same"), ("pool", 2),
    ("conv", 64, 3, "same"), ("pool", 2),
    ("flatten",), ("dense", 64), ("dense", 10),
]
MODEL_B_LAYERS = [
    ("conv", 32, 3, "valid"), ("pool", 2),
    ("conv", 64, 3, "valid"), ("pool", 2),
    ("conv", 64, 3, "valid"),
    ("flatten",), ("dense", 64), ("dense", 10),
]


def _count_cases(rng):
    c1, c2 = (int(v) for v in rng.integers(2, 40, size=2))
    random_net = [("conv", c1, int(rng.choice([3, 5])), str(rng.choice(["same", "valid"]))), ("pool", 2),
                  ("conv", c2, 3, str(rng.choice(["same", "valid"]))), ("pool", 2),
                  ("flatten",), ("dense", int(rng.integers(5, 50))), ("dense", int(rng.integers(2, 11)))]
    return [
        Case("modelo A: (256, 256, 3)", ((256, 256, 3), MODEL_A_LAYERS)),
        Case("modelo B: (32, 32, 3)", ((32, 32, 3), MODEL_B_LAYERS)),
        Case("una convolución 5×5 sobre una imagen gris", ((28, 28, 1), [("conv", 6, 5, "valid")])),
        Case("una red pequeña aleatoria sobre (24, 24, 3)", ((24, 24, 3), random_net)),
        Case("solo capas densas tras aplanar (8, 8, 1)", ((8, 8, 1), [("flatten",), ("dense", 32), ("dense", 10)])),
    ]


register(FunctionExercise(
    "07.4", "Contar los parámetros de una CNN capa a capa", "count_cnn_params",
    reference=count_cnn_params, cases=_count_cases, points=2, rtol=0, atol=0,
    mistakes=[
        Mistake("ex.07.4.no_channels", _count_no_channels),
        Mistake("ex.07.4.no_bias", _count_no_bias),
        Mistake("ex.07.4.pool_ignored", _count_pool_ignored),
        Mistake("ex.07.4.valid_as_same", _count_valid_as_same),
        Mistake("ex.07.4.flatten_channels", _count_flatten_channels),
    ],
    hints=["ex.07.4.hint1", "ex.07.4.hint2", "ex.07.4.hint3"],
))


# ---------------------------------------------------------------------------
# 07.5 · Una CNN pequeña que gana a la red densa con menos parámetros
# ---------------------------------------------------------------------------

DENSE_BASELINE_PARAMS = 17_098  # 256 -> 64 (ReLU) -> 10, the dense network of the notebook
HOLDOUT_THRESHOLD = 0.75  # the dense network reaches about 0.55 on these images (seed sweep)
_CONV_KINDS = {"Conv2D", "Conv2d", "SeparableConv2D", "DepthwiseConv2D", "Conv1D", "Conv1d"}


@reference("07.5")
def train_small_cnn(X_train, y_train):
    """Entrena una CNN pequeña con X_train: (n, 16, 16) en [0, 1] e y_train: (n,); devuelve el modelo."""
    import torch
    from torch import nn

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a small network: one thread is faster, and the result reproducible
    try:
        return _fit_small_cnn(torch, nn, X_train, y_train)
    finally:
        torch.set_num_threads(threads)


def _fit_small_cnn(torch, nn, X_train, y_train):
    torch.manual_seed(0)
    X = torch.as_tensor(np.asarray(X_train), dtype=torch.float32)
    y = torch.as_tensor(np.asarray(y_train), dtype=torch.long)
    net = nn.Sequential(
        nn.Unflatten(dim=1, unflattened_size=(1, 16)),  # (n, 16, 16) -> (n, 1, 16, 16)
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
        nn.AdaptiveMaxPool2d(1), nn.Flatten(),
        nn.Linear(32, 10),
    )
    optimizer = torch.optim.Adam(net.parameters(), lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(10):
        perm = torch.randperm(len(X))
        for start in range(0, len(X), 32):
            idx = perm[start:start + 32]
            optimizer.zero_grad()
            loss_fn(net(X[idx]), y[idx]).backward()
            optimizer.step()
    return net


def _train_dense(X_train, y_train):
    """The notebook's dense network (more parameters than allowed)."""
    from torch import nn

    return nn.Sequential(nn.Flatten(), nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 10))


def _train_small_dense(X_train, y_train):
    """A dense network with few parameters and no convolution."""
    from torch import nn

    return nn.Sequential(nn.Flatten(), nn.Linear(256, 16), nn.ReLU(), nn.Linear(16, 10))


def _train_big_cnn(X_train, y_train):
    """A CNN with a huge dense head: more parameters than the dense network."""
    from torch import nn

    return nn.Sequential(nn.Unflatten(1, (1, 16)), nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
                         nn.Flatten(), nn.Linear(16 * 16 * 16, 10))


def _train_untrained_cnn(X_train, y_train):
    from torch import nn

    return nn.Sequential(nn.Unflatten(1, (1, 16)), nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                         nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(8, 10))


def _train_returns_predictions(X_train, y_train):
    return np.zeros((len(X_train), 10))


def _holdout_split(rng):
    """Shifted digits with fresh positions; about 70 % to the learner, 30 % kept here (stratified)."""
    from coursekit.synthetic_images import make_shifted_digits

    X, y = make_shifted_digits(seed=int(rng.integers(0, 2**31)))
    return stratified_holdout(X, y, rng)


def _not_a_model(err):
    return "not callable" in err.error and "ndarray" in err.error


def _check_small_cnn(probe, rng):
    X_train, y_train, X_hold, y_hold = _holdout_split(rng)
    # 1) Size and kind, from a build on a tiny training set (the architecture does not depend on it).
    try:
        description = probe.inspect("describe_model", call_args=(X_train[:40], y_train[:40]))
    except LearnerError as err:
        if _not_a_model(err):
            raise Failed(msg("ex.07.5.not_a_model"), mistake="ex.07.5.not_a_model") from None
        raise
    require(description.get("framework") is not None, "ex.07.5.not_a_model", mistake=True)
    kinds = {layer["kind"] for layer in description.get("layers", [])}
    require(bool(kinds & _CONV_KINDS), "ex.07.5.no_conv", mistake=True)
    params = int(description["params"])
    require(params < DENSE_BASELINE_PARAMS, "ex.07.5.too_many_params", mistake=True,
            params=params, limit=DENSE_BASELINE_PARAMS)
    # 2) Behaviour: trained on the learner's share, judged on the held-out share.
    out = np.asarray(probe.inspect("predict", X_hold, call_args=(X_train, y_train)), dtype=float)
    require(out.ndim == 2 and out.shape == (len(X_hold), 10), "ex.07.5.output_shape", mistake=True,
            actual=tuple(out.shape), expected=(len(X_hold), 10))
    require_accuracy(out, y_hold, HOLDOUT_THRESHOLD)


register(CustomExercise(
    "07.5", "Una CNN pequeña que gana a la red densa", "train_small_cnn", _check_small_cnn, points=3,
    hints=["ex.07.5.hint1", "ex.07.5.hint2", "ex.07.5.hint3"],
))


# ---------------------------------------------------------------------------
# Self-validation (tests/test_exercises.py)
# ---------------------------------------------------------------------------

WRONG_VARIANTS = {
    "07.2": [
        (_conv_flipped, "ex.07.2.flipped"),
        (_conv_no_bias, "ex.07.2.no_bias"),
        (_conv_no_stride, "ex.07.2.stride_ignored"),
        (_conv_no_padding, "ex.07.2.padding_ignored"),
        (_conv_first_channel, "ex.07.2.first_channel"),
    ],
    "07.1": [
        (_size_no_floor, "ex.07.1.no_floor"),
        (_size_one_side, "ex.07.1.one_side_padding"),
        (_size_no_plus_one, "ex.07.1.no_plus_one"),
        (_size_no_stride, "ex.07.1.stride_ignored"),
        (_size_ceil, "ex.07.1.ceil"),
    ],
    "07.3": [
        (_pool_over_channels, "ex.07.3.over_channels"),
        (_pool_mode_ignored, "ex.07.3.mode_ignored"),
        (_pool_stride_ignored, "ex.07.3.stride_ignored"),
        (_pool_partial, "ex.07.3.partial_windows"),
    ],
    "07.4": [
        (_count_no_channels, "ex.07.4.no_channels"),
        (_count_no_bias, "ex.07.4.no_bias"),
        (_count_pool_ignored, "ex.07.4.pool_ignored"),
        (_count_valid_as_same, "ex.07.4.valid_as_same"),
        (_count_flatten_channels, "ex.07.4.flatten_channels"),
    ],
    "07.5": [
        (_train_dense, "ex.07.5.no_conv"),
        (_train_small_dense, "ex.07.5.no_conv"),
        (_train_big_cnn, "ex.07.5.too_many_params"),
        (_train_untrained_cnn, "train.accuracy_low"),
        (_train_returns_predictions, "ex.07.5.not_a_model"),
    ],
}
