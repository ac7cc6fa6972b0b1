"""Compact progress bars for long training cells (silent when nobody is looking).

``for epoch in progress(range(num_epochs), "Entrenando"):`` in a PyTorch loop, and
``model.fit(..., verbose=0, callbacks=[keras_progress()])`` in Keras. Both use tqdm and
show nothing when ``COURSEKIT_HEADLESS=1`` (tests, benchmark, batch grading).
"""

from coursekit.config import headless


def progress(iterable, description: str = "", total=None, **kwargs):
    """Wrap ``iterable`` in a one-line tqdm bar (the iterable itself when headless)."""
    if headless():
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=description, total=total, leave=False, **kwargs)


def keras_progress(description: str = "Entrenando"):
    """A Keras callback with one bar over the epochs (a no-op callback when headless)."""
    import keras

    if headless():
        return keras.callbacks.Callback()
    from tqdm.auto import tqdm
    from tqdm.keras import TqdmCallback

    return TqdmCallback(verbose=0, tqdm_class=tqdm, desc=description, leave=False)
