"""Tests for coursekit.sequences (offline data of notebook 08)."""

import numpy as np
import pytest

from coursekit import sequences as sq


def test_spanish_words_are_letters_only_and_unique():
    pytest.importorskip("wordfreq")
    words = sq.load_spanish_words(500)
    assert len(words) == 500 and len(set(words)) == 500
    assert words[0] == "de"
    assert all(sq.SPANISH_WORD.fullmatch(w) and len(w) >= 2 for w in words)
    assert any("ñ" in w or "á" in w or "é" in w for w in words)


def test_spanish_words_length_filter_and_bad_n():
    pytest.importorskip("wordfreq")
    assert all(3 <= len(w) <= 6 for w in sq.load_spanish_words(200, min_len=3, max_len=6))
    with pytest.raises(ValueError):
        sq.load_spanish_words(0)


def test_sliding_windows_shapes_and_values():
    X, y = sq.sliding_windows(np.arange(10.0), 3)
    assert X.shape == (7, 3) and y.shape == (7,)
    np.testing.assert_array_equal(X[0], [0, 1, 2])
    assert y[0] == 3 and y[-1] == 9
    X[0, 0] = 99  # a copy, not a view of the series
    with pytest.raises(ValueError):
        sq.sliding_windows(np.arange(5.0), 5)
    with pytest.raises(ValueError):
        sq.sliding_windows(np.ones((3, 3)), 1)


def test_recall_task():
    X, y = sq.make_recall_task(50, 8, num_symbols=3, rng=0)
    assert X.shape == (50, 8, 3) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(X[:, 0].argmax(axis=1), y)
    assert np.allclose(X[:, 0].sum(axis=1), 1.0)
    X2, y2 = sq.make_recall_task(50, 8, num_symbols=3, rng=0)
    np.testing.assert_array_equal(X, X2)
