"""Sequence data for notebook 08 (offline): Spanish words, sliding windows, a long-memory task.

``load_spanish_words`` reads the word list that ships inside the ``wordfreq`` package
(no network); ``sliding_windows`` turns a series into (window, next value) pairs;
``make_recall_task`` builds the "remember the first symbol" task of section 6.
"""

import re

import numpy as np

SPANISH_WORD = re.compile(r"[a-záéíóúüñ]+")


def load_spanish_words(n=10000, min_len=2, max_len=None):
    """The ``n`` most frequent Spanish words of wordfreq made only of letters (a–z, accents, ñ, ü).

    Returns a list of ``str`` in order of frequency (most frequent first), without repeats.
    Raises ``ImportError`` with a Spanish message if wordfreq is missing.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n debe ser un entero positivo, no {n!r}.")
    try:
        from wordfreq import top_n_list
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("Falta el paquete wordfreq: instálalo con «pip install wordfreq».") from err
    words, seen = [], set()
    for word in top_n_list("es", max(4 * n, 1000)):
        if word in seen or not SPANISH_WORD.fullmatch(word) or len(word) < min_len:
            continue
        if max_len is not None and len(word) > max_len:
            continue
        seen.add(word)
        words.append(word)
        if len(words) == n:
            break
    return words


def sliding_windows(series, length):
    """Pairs (window, next value) of a 1-D series. Returns X: (m, length), y: (m,), with m = len(series) - length.

    Row ``k`` of X is ``series[k:k + length]`` and ``y[k] = series[k + length]``.
    """
    series = np.asarray(series, dtype=np.float64)
    if series.ndim != 1:
        raise ValueError(f"La serie debe ser 1-D, no de forma {series.shape}.")
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or not 0 < length < len(series):
        raise ValueError(f"length debe estar entre 1 y {len(series) - 1}, no {length!r}.")
    X = np.lib.stride_tricks.sliding_window_view(series, length)[:-1].copy()
    return X, series[length:].copy()


def make_recall_task(n, length, num_symbols=4, noise=0.1, rng=None):
    """Remember the first symbol: one-hot symbol at step 0, then ``length - 1`` steps of small noise.

    Returns X: (n, length, num_symbols) float32 and y: (n,) int64 (the symbol shown at step 0).
    """
    if length < 1 or num_symbols < 2:
        raise ValueError("Hacen falta length >= 1 y num_symbols >= 2.")
    rng = np.random.default_rng(rng)
    y = rng.integers(0, num_symbols, size=n)
    X = np.zeros((n, length, num_symbols), dtype=np.float32)
    X[np.arange(n), 0, y] = 1.0
    if length > 1:
        X[:, 1:, :] = rng.normal(0.0, noise, size=(n, length - 1, num_symbols))
    return X, y.astype(np.int64)
