"""A generated stand-in for CIFAR-10: colour 32×32 images of ten shapes («formas»).

No registry package ships CIFAR-10, so notebook 07 trains its CIFAR-10 model offline on
these images. Every image is drawn from a seed (same seed, same images, on any machine):

- a background with a smooth random colour gradient;
- one object whose **shape is the class** (ten shapes, see ``SHAPE_NAMES``), with a random
  colour, size (radius 4 to 10 pixels), position and rotation, softly anti-aliased;
- one or two distractor ellipses of random colour that carry no information about the class;
- Gaussian pixel noise.

Colour, position and size say nothing about the class, so a model must learn shapes. The task
is hard enough that the CIFAR-10 architecture of notebook 07 lands well below 100 % and
starts to overfit after a few epochs on a few thousand images.

``make_shapes(n, seed)`` returns ``X: (n, 32, 32, 3) float32 in [0, 1]`` and
``y: (n,) int64 in 0..9`` with the classes balanced (``n // 10`` or one more each) and shuffled.
"""

import numpy as np

SHAPE_NAMES = [
    "círculo", "cuadrado", "triángulo", "cruz", "anillo",
    "rombo", "estrella", "media luna", "letra L", "dos puntos",
]
IMAGE_SIZE = 32
NOISE_STD = 0.06
RADIUS_RANGE = (7.0, 13.0)
MAX_ROTATION = 0.6  # radians (about 35 degrees either way)


def _shape_mask(label, u, v):
    """Soft inside-ness (n, H, W) in [0, 1] of shape ``label`` in local coordinates (u, v) (object radius 1)."""
    r = np.sqrt(u ** 2 + v ** 2)
    theta = np.arctan2(v, u)
    if label == 0:    # círculo
        d = r - 1.0
    elif label == 1:  # cuadrado
        d = np.maximum(np.abs(u), np.abs(v)) - 0.8
    elif label == 2:  # triángulo equilátero
        k = np.sqrt(3.0)
        d = np.maximum.reduce([-v - 0.5, (k * u + v) / 2 - 0.5, (-k * u + v) / 2 - 0.5])
    elif label == 3:  # cruz
        bar1 = np.maximum(np.abs(u) - 0.3, np.abs(v) - 1.0)
        bar2 = np.maximum(np.abs(v) - 0.3, np.abs(u) - 1.0)
        d = np.minimum(bar1, bar2)
    elif label == 4:  # anillo
        d = np.abs(r - 0.75) - 0.25
    elif label == 5:  # rombo
        d = (np.abs(u) + np.abs(v)) / np.sqrt(2.0) - 0.7
    elif label == 6:  # estrella de cinco puntas
        d = r - (0.65 + 0.35 * np.cos(5 * theta))
    elif label == 7:  # media luna
        d = np.maximum(r - 1.0, 0.8 - np.sqrt((u - 0.5) ** 2 + v ** 2))
    elif label == 8:  # letra L
        stem = np.maximum(np.abs(u + 0.55) - 0.3, np.abs(v) - 1.0)
        foot = np.maximum(np.abs(v - 0.7) - 0.3, np.abs(u) - 0.85)
        d = np.minimum(stem, foot)
    else:             # dos puntos
        d = np.minimum(np.sqrt((u - 0.55) ** 2 + v ** 2), np.sqrt((u + 0.55) ** 2 + v ** 2)) - 0.4
    return d


def make_shapes(n, seed=0, noise=NOISE_STD):
    """n colour images (32, 32, 3) float32 in [0, 1] of ten shapes, and their labels (n,) int64 (balanced, shuffled)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n debe ser un entero positivo (recibido: {n!r})")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise debe ser un número no negativo (recibido: {noise!r})")
    rng = np.random.default_rng(seed)
    size = IMAGE_SIZE
    y = rng.permutation(np.arange(n) % 10).astype(np.int64)
    f32 = np.float32

    def uniform(low, high, shape):
        return rng.uniform(low, high, size=shape).astype(f32)

    grid = np.arange(size, dtype=f32) + f32(0.5)
    gy, gx = np.meshgrid(grid, grid, indexing="ij")  # (H, W): row, column

    # Background: a linear gradient between two random colours along a random direction.
    c0 = uniform(0, 1, (n, 1, 1, 3))
    c1 = uniform(0, 1, (n, 1, 1, 3))
    angle = uniform(0, 2 * np.pi, (n, 1, 1))
    t = ((gx - size / 2) * np.cos(angle) + (gy - size / 2) * np.sin(angle)) / size + 0.5
    X = c0 + (c1 - c0) * np.clip(t, 0, 1)[..., None]

    # Distractors: one or two ellipses of random colour (before the object, so it stays visible).
    for k in range(2):
        present = (rng.random(n) < (0.7 if k == 0 else 0.3))[:, None, None]
        cx, cy = uniform(0, size, (2, n, 1, 1))
        ax, ay = uniform(2.0, 6.0, (2, n, 1, 1))
        inside = ((gx - cx) / ax) ** 2 + ((gy - cy) / ay) ** 2 < 1.0
        colour = uniform(0, 1, (n, 1, 1, 3))
        alpha = (inside & present)[..., None] * f32(0.8)
        X = X * (1 - alpha) + colour * alpha

    # The object: class shape, random colour, radius, centre and rotation.
    radius = uniform(*RADIUS_RANGE, (n, 1, 1))
    cx = uniform(radius[:, 0, 0] + 1, size - radius[:, 0, 0] - 1, n)[:, None, None]
    cy = uniform(radius[:, 0, 0] + 1, size - radius[:, 0, 0] - 1, n)[:, None, None]
    rot = uniform(-MAX_ROTATION, MAX_ROTATION, (n, 1, 1))
    # Object colour: each channel 0.3 to 0.7 away (modulo 1) from the background's mean colour,
    # so that the object never blends into the background.
    colour = np.mod((c0 + c1) / 2 + uniform(0.3, 0.7, (n, 1, 1, 3)), f32(1.0))
    dx, dy = (gx - cx) / radius, (gy - cy) / radius
    u = dx * np.cos(rot) + dy * np.sin(rot)
    v = -dx * np.sin(rot) + dy * np.cos(rot)
    d = np.empty((n, size, size), dtype=f32)
    for label in range(10):
        idx = np.flatnonzero(y == label)
        if len(idx):
            d[idx] = _shape_mask(label, u[idx], v[idx])
    # Soft edge about one pixel wide (d is in units of the radius).
    alpha = np.clip(0.5 - d * radius, 0.0, 1.0)[..., None]
    X = X * (1 - alpha) + colour * alpha

    X = X + f32(noise) * rng.standard_normal(size=X.shape, dtype=f32)
    return np.clip(X, 0.0, 1.0).astype(np.float32), y


def make_shifted_digits(seed=0, canvas=16):
    """The 1797 sklearn digits (8×8) pasted at a random place of a larger black canvas.

    Returns X: (1797, canvas, canvas) float32 in [0, 1] and y: (1797,) int64, in the order of
    sklearn's data set. A dense network has to learn every digit at every position; a CNN,
    whose filters are shared across positions, does not.
    """
    from coursekit.datasets import load_digits

    if isinstance(canvas, bool) or not isinstance(canvas, (int, np.integer)) or canvas < 8:
        raise ValueError(f"canvas debe ser un entero mayor o igual que 8 (recibido: {canvas!r})")
    rng = np.random.default_rng(seed)
    digits, y = load_digits()
    X = np.zeros((len(digits), canvas, canvas), dtype=np.float32)
    rows, cols = rng.integers(0, canvas - 8 + 1, size=(2, len(digits)))
    for i, (r, c) in enumerate(zip(rows, cols)):
        X[i, r:r + 8, c:c + 8] = digits[i]
    return X, y
