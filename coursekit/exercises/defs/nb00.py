"""Ejercicios del cuaderno 00 · Bienvenida y entorno: calentamiento con NumPy.

00.1 normalizar píxeles, 00.2 codificación one-hot, 00.3 exactitud a partir de
puntuaciones, 00.4 número de entradas de una red densa para una imagen de cualquier
forma, 00.5 aplanar imágenes.
"""

import numpy as np

from coursekit.exercises.core import Case, FunctionExercise, Mistake, register
from coursekit.exercises.references import reference


# ---------------------------------------------------------------------------
# 00.1 · Normalizar píxeles
# ---------------------------------------------------------------------------

@reference("00.1")
def normalize_pixels(X):
    """Píxeles enteros en [0, 255] -> float en [0, 1]. X: cualquier forma."""
    return np.asarray(X, dtype=np.float64) / 255.0


def _pixels_int_division(X):
    return np.asarray(X) // 255


def _pixels_per_image_max(X):
    X = np.asarray(X, dtype=np.float64)
    return X / X.max()


def _pixels_min_max(X):
    X = np.asarray(X, dtype=np.float64)
    return (X - X.min()) / (X.max() - X.min())


def _pixels_256(X):
    return np.asarray(X, dtype=np.float64) / 256.0


def _pixels_symmetric(X):
    return np.asarray(X, dtype=np.float64) / 127.5 - 1.0


def _pixel_cases(rng):
    n = int(rng.integers(3, 7))
    batch = rng.integers(0, 256, size=(n, 8, 8)).astype(np.uint8)
    batch[0, 0, 0], batch[-1, -1, -1] = 0, 255  # el rango completo aparece siempre
    dark = rng.integers(10, 101, size=(8, 8)).astype(np.uint8)  # imagen oscura: máximo 100
    return [
        Case("lote de imágenes 8×8 de tipo uint8", (batch,)),
        Case("imagen oscura (ningún píxel llega a 255)", (dark,)),
        Case("imagen completamente negra", (np.zeros((4, 4), dtype=np.uint8),)),
        Case("fila de píxeles 0, 128 y 255", (np.array([0, 128, 255], dtype=np.uint8),)),
    ]


register(FunctionExercise(
    id="00.1",
    title="Normalizar píxeles a [0, 1]",
    target="normalize_pixels",
    reference=normalize_pixels,
    cases=_pixel_cases,
    points=1,
    mistakes=[
        Mistake("ex.00.1.int_division", _pixels_int_division),
        Mistake("ex.00.1.per_image", _pixels_per_image_max),
        Mistake("ex.00.1.per_image", _pixels_min_max),
        Mistake("ex.00.1.divisor_256", _pixels_256),
        Mistake("ex.00.1.symmetric", _pixels_symmetric),
    ],
    hints=["ex.00.1.hint1", "ex.00.1.hint2", "ex.00.1.hint3"],
))


# ---------------------------------------------------------------------------
# 00.2 · Codificación one-hot
# ---------------------------------------------------------------------------

@reference("00.2")
def one_hot(y, num_classes):
    """Etiquetas enteras -> matriz one-hot. y: (n,) en 0..num_classes-1 -> (n, num_classes)."""
    y = np.asarray(y)
    Y = np.zeros((len(y), num_classes))
    Y[np.arange(len(y)), y] = 1.0
    return Y


def _one_hot_off_by_one(y, num_classes):
    return np.eye(num_classes)[np.asarray(y) - 1]


def _one_hot_from_max(y, num_classes):
    y = np.asarray(y)
    return np.eye(int(y.max()) + 1)[y]


def _one_hot_cases(rng):
    k = int(rng.integers(3, 8))
    n = k + int(rng.integers(2, 6))  # n ≠ k: así se distingue la traspuesta
    y = rng.integers(0, k, size=n)
    return [
        Case(f"{n} etiquetas aleatorias con {k} clases", (y, k)),
        Case("falta la última clase (y = [0, 1, 1, 0], 4 clases)", (np.array([0, 1, 1, 0]), 4)),
        Case("todas las clases en orden (0..9)", (np.arange(10), 10)),
        Case("un solo ejemplo (y = [2], 3 clases)", (np.array([2]), 3)),
    ]


register(FunctionExercise(
    id="00.2",
    title="Codificación one-hot",
    target="one_hot",
    reference=one_hot,
    cases=_one_hot_cases,
    points=2,
    mistakes=[
        Mistake("ex.00.2.off_by_one", _one_hot_off_by_one),
        Mistake("ex.00.2.from_max", _one_hot_from_max),
    ],
    hints=["ex.00.2.hint1", "ex.00.2.hint2", "ex.00.2.hint3"],
))


# ---------------------------------------------------------------------------
# 00.3 · Exactitud a partir de puntuaciones
# ---------------------------------------------------------------------------

@reference("00.3")
def accuracy(scores, y):
    """Fracción de aciertos. scores: (n, k) puntuaciones por clase, y: (n,) etiquetas -> float."""
    return float(np.mean(np.argmax(scores, axis=1) == np.asarray(y)))


def _accuracy_count(scores, y):
    return int(np.sum(np.argmax(scores, axis=1) == np.asarray(y)))


def _accuracy_percent(scores, y):
    return 100.0 * accuracy(scores, y)


def _accuracy_error_rate(scores, y):
    return 1.0 - accuracy(scores, y)


def _accuracy_wrong_axis(scores, y):
    return float(np.mean(np.argmax(scores, axis=0) == np.asarray(y)))


# Matriz cuadrada (n = k = 4) en la que argmax por filas y por columnas difieren.
_SQUARE_SCORES = np.array([
    [5.0, 4.0, 0.0, 0.0],
    [0.0, 1.0, 0.0, 0.0],
    [0.0, 0.0, 5.0, 0.0],
    [0.0, 0.0, 0.0, 5.0],
])


def _accuracy_cases(rng):
    n, k = int(rng.integers(20, 41)), int(rng.integers(3, 7))
    y = rng.integers(0, k, size=n)
    scores = rng.normal(size=(n, k))
    scores[np.arange(n), y] += rng.uniform(0.0, 2.0, size=n)  # algunas predicciones aciertan
    wrong = (np.argmax(scores, axis=1) + 1) % k
    return [
        Case("4 ejemplos y 4 clases", (_SQUARE_SCORES, np.array([0, 1, 2, 3]))),
        Case(f"{n} ejemplos aleatorios con {k} clases", (scores, y)),
        Case("ningún acierto", (scores, wrong)),
        Case("un solo ejemplo acertado", (np.array([[0.1, 0.7, 0.2]]), np.array([1]))),
    ]


register(FunctionExercise(
    id="00.3",
    title="Exactitud a partir de puntuaciones",
    target="accuracy",
    reference=accuracy,
    cases=_accuracy_cases,
    points=2,
    mistakes=[
        Mistake("ex.00.3.count", _accuracy_count),
        Mistake("ex.00.3.percent", _accuracy_percent),
        Mistake("ex.00.3.error_rate", _accuracy_error_rate),
        Mistake("ex.00.3.wrong_axis", _accuracy_wrong_axis),
    ],
    hints=["ex.00.3.hint1", "ex.00.3.hint2", "ex.00.3.hint3"],
))


# ---------------------------------------------------------------------------
# 00.4 · Entradas de una red densa para imágenes de cualquier forma
# ---------------------------------------------------------------------------

@reference("00.4")
def num_inputs(image_shape):
    """Entradas de la primera capa densa. image_shape: (alto, ancho) o (alto, ancho, canales) -> int."""
    count = 1
    for size in image_shape:
        count *= int(size)
    return count


def _inputs_sum(image_shape):
    return int(sum(image_shape))


def _inputs_side(image_shape):
    return int(image_shape[0])


def _inputs_rgb(image_shape):
    return int(image_shape[0]) * int(image_shape[1]) * 3


def _inputs_no_channels(image_shape):
    return int(image_shape[0]) * int(image_shape[1])


def _inputs_shape(image_shape):
    return tuple(image_shape)


def _inputs_cases(rng):
    h, w = (int(v) for v in rng.integers(5, 40, size=2))
    c = int(rng.integers(2, 5))
    return [
        Case("imagen de MNIST (28, 28)", ((28, 28),)),
        Case(f"imagen en escala de grises ({h}, {w})", ((h, w),)),
        Case("foto en color (32, 32, 3)", ((32, 32, 3),)),
        Case(f"imagen con {c} canales ({w}, {h}, {c})", ((w, h, c),)),
        Case("forma como lista [8, 8]", ([8, 8],)),
    ]


register(FunctionExercise(
    id="00.4",
    title="Entradas de una red densa para una imagen",
    target="num_inputs",
    reference=num_inputs,
    cases=_inputs_cases,
    points=1,
    mistakes=[
        Mistake("ex.00.4.sum", _inputs_sum),
        Mistake("ex.00.4.side", _inputs_side),
        Mistake("ex.00.4.shape", _inputs_shape),
        Mistake("ex.00.4.rgb", _inputs_rgb),
        Mistake("ex.00.4.channels", _inputs_no_channels),
    ],
    hints=["ex.00.4.hint1", "ex.00.4.hint2", "ex.00.4.hint3"],
))


# ---------------------------------------------------------------------------
# 00.5 · Aplanar un lote de imágenes
# ---------------------------------------------------------------------------

@reference("00.5")
def flatten_images(X):
    """Aplana cada imagen en un vector fila. X: (n, h, w) -> (n, h*w)."""
    X = np.asarray(X)
    return X.reshape(X.shape[0], -1)


def _flatten_all(X):
    return np.asarray(X).ravel()


def _flatten_swapped(X):
    X = np.asarray(X)
    return X.reshape(-1, X.shape[0])


def _flatten_by_columns(X):
    X = np.asarray(X)
    return X.transpose(0, 2, 1).reshape(X.shape[0], -1)


def _flatten_cases(rng):
    n, h, w = (int(v) for v in rng.integers(3, 10, size=3))
    if h == w:
        w += 1  # imágenes no cuadradas: así se nota el orden filas/columnas
    return [
        Case(f"lote aleatorio de forma ({n}, {h}, {w})", (rng.random((n, h, w)),)),
        Case("una sola imagen de 5×3", (rng.random((1, 5, 3)),)),
        Case("dos imágenes de 28×28", (rng.random((2, 28, 28)).astype(np.float32),)),
    ]


register(FunctionExercise(
    id="00.5",
    title="Aplanar un lote de imágenes",
    target="flatten_images",
    reference=flatten_images,
    cases=_flatten_cases,
    points=1,
    mistakes=[
        Mistake("ex.00.5.all_flat", _flatten_all),
        Mistake("ex.00.5.swapped", _flatten_swapped),
        Mistake("ex.00.5.columns", _flatten_by_columns),
    ],
    hints=["ex.00.5.hint1", "ex.00.5.hint2", "ex.00.5.hint3"],
))


# ---------------------------------------------------------------------------
# Autovalidación (tests/test_exercises.py)
# ---------------------------------------------------------------------------

def _one_hot_transposed(y, num_classes):
    return one_hot(y, num_classes).T


def _flatten_hardcoded_784(X):
    X = np.asarray(X)
    return X.reshape(len(X), 784)



WRONG_VARIANTS = {
    "00.1": [
        (_pixels_int_division, "ex.00.1.int_division"),
        (_pixels_per_image_max, "ex.00.1.per_image"),
        (_pixels_256, "ex.00.1.divisor_256"),
    ],
    "00.2": [
        (_one_hot_off_by_one, "ex.00.2.off_by_one"),
        (_one_hot_from_max, "ex.00.2.from_max"),
        (_one_hot_transposed, "cmp.shape_transposed"),
    ],
    "00.3": [
        (_accuracy_count, "ex.00.3.count"),
        (_accuracy_percent, "ex.00.3.percent"),
        (_accuracy_wrong_axis, "ex.00.3.wrong_axis"),
        (_accuracy_error_rate, "ex.00.3.error_rate"),
    ],
    "00.4": [
        (_inputs_sum, "ex.00.4.sum"),
        (_inputs_rgb, "ex.00.4.rgb"),
        (_inputs_shape, "ex.00.4.shape"),
        (_inputs_no_channels, "ex.00.4.channels"),
    ],
    "00.5": [
        (_flatten_all, "ex.00.5.all_flat"),
        (_flatten_swapped, "ex.00.5.swapped"),
        (_flatten_by_columns, "ex.00.5.columns"),
        (_flatten_hardcoded_784, "check.learner_error"),
    ],
}
