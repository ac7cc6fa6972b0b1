"""Tests for coursekit.synthetic_images: the generated CIFAR-10 stand-in of notebook 07."""

import numpy as np
import pytest

from coursekit.synthetic_images import IMAGE_SIZE, SHAPE_NAMES, make_shapes


def test_shapes_dtypes_and_range():
    X, y = make_shapes(50, seed=3)
    assert X.shape == (50, IMAGE_SIZE, IMAGE_SIZE, 3) and X.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.int64
    assert X.min() >= 0.0 and X.max() <= 1.0
    assert len(SHAPE_NAMES) == 10 and len(set(SHAPE_NAMES)) == 10


def test_deterministic_for_a_seed_and_different_across_seeds():
    X1, y1 = make_shapes(40, seed=7)
    X2, y2 = make_shapes(40, seed=7)
    X3, _ = make_shapes(40, seed=8)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_classes_balanced_and_shuffled():
    _, y = make_shapes(103, seed=0)
    counts = np.bincount(y, minlength=10)
    assert counts.min() >= 10 and counts.max() <= 11 and counts.sum() == 103
    assert not np.array_equal(y, np.sort(y))


def test_without_noise_the_shape_is_what_differs():
    """Noise-free images of one class are closer, after removing colour, to a class template."""
    X, y = make_shapes(400, seed=1, noise=0.0)
    # Colour-free view: deviation of each pixel from the image's median colour.
    dev = np.abs(X - np.median(X, axis=(1, 2), keepdims=True)).sum(axis=-1)
    assert np.isfinite(dev).all()
    # An object is always drawn: some pixels stand out from the background in every image.
    assert (dev.reshape(len(X), -1).max(axis=1) > 0.3).all()


def test_raw_pixels_do_not_give_the_class_away():
    """A nearest-class-mean classifier on raw pixels stays far from perfect: colour and place are random."""
    X, y = make_shapes(600, seed=2)
    flat = X.reshape(len(X), -1)
    means = np.stack([flat[:500][y[:500] == k].mean(axis=0) for k in range(10)])
    dist = ((flat[500:, None, :] - means[None]) ** 2).sum(axis=-1)
    acc = float(np.mean(dist.argmin(axis=1) == y[500:]))
    assert acc < 0.4


@pytest.mark.parametrize("n", [0, -1, 2.5, True])
def test_bad_n_is_refused(n):
    with pytest.raises(ValueError):
        make_shapes(n)


def test_bad_noise_is_refused():
    with pytest.raises(ValueError):
        make_shapes(10, noise=-0.1)


def test_shifted_digits():
    from coursekit.synthetic_images import make_shifted_digits

    X, y = make_shifted_digits(seed=0)
    assert X.shape == (1797, 16, 16) and X.dtype == np.float32 and y.shape == (1797,)
    assert X.min() >= 0.0 and X.max() <= 1.0
    X2, _ = make_shifted_digits(seed=0)
    X3, _ = make_shifted_digits(seed=1)
    assert np.array_equal(X, X2) and not np.array_equal(X, X3)
    # Each canvas holds exactly the 8×8 digit's ink, somewhere.
    from coursekit.datasets import load_digits

    digits, _ = load_digits()
    assert np.allclose(X.sum(axis=(1, 2)), digits.sum(axis=(1, 2)), atol=1e-4)
    with pytest.raises(ValueError):
        make_shifted_digits(canvas=6)
