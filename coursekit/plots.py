"""Matplotlib helpers with Spanish labels; every function returns the matplotlib Figure.

In a notebook, end the cell with ``;`` or assign the result (``fig = ...``) so the
figure is not shown twice.
"""

import math

import numpy as np

from coursekit.messages import msg

_METRIC_ALIASES = {
    "loss": ("loss",),
    "accuracy": ("accuracy", "acc"),
    "acc": ("acc", "accuracy"),
}
_METRIC_LABELS = {"loss": "plots.loss", "accuracy": "plots.accuracy", "acc": "plots.accuracy"}


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _to_numpy(values):
    """Array from a list/array/tensor (detaches and moves PyTorch tensors to CPU)."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    elif hasattr(values, "numpy") and not isinstance(values, np.ndarray):
        values = values.numpy()
    return np.asarray(values)


def _series(values):
    """1-D float array from a list of numbers, NumPy scalars or 0-d tensors."""
    if isinstance(values, (list, tuple)):
        return np.array([float(_to_numpy(v)) for v in values], dtype=float)
    return _to_numpy(values).astype(float).reshape(-1)


def plot_history(history, metrics=("loss", "accuracy"), title=None):
    """Training vs validation curves per metric. history: Keras History or dict {"loss": [...], "val_loss": [...], ...}."""
    hist = getattr(history, "history", history)
    if not isinstance(hist, dict):
        raise ValueError(msg("plots.not_history", type=type(history).__name__))
    if isinstance(metrics, str):
        metrics = (metrics,)
    found = []
    for metric in metrics:
        key = next((k for k in _METRIC_ALIASES.get(metric, (metric,)) if k in hist), None)
        if key is not None and key not in [k for k, _ in found]:
            found.append((key, metric))
    if not found:
        raise ValueError(msg("plots.no_metric", wanted=", ".join(metrics),
                             available=", ".join(map(str, hist)) or "—"))
    curves = []
    for key, metric in found:
        train = _series(hist[key])
        if train.size == 0:
            raise ValueError(msg("plots.empty_metric", metric=key))
        val = _series(hist["val_" + key]) if "val_" + key in hist else None
        if val is not None and val.size != train.size:
            raise ValueError(msg("plots.length_mismatch", train=key, n_train=train.size,
                                 val="val_" + key, n_val=val.size))
        curves.append((key, metric, train, val))
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(curves), figsize=(5.5 * len(curves), 4), squeeze=False)
    for ax, (key, metric, train, val) in zip(axes[0], curves):
        epochs = np.arange(1, train.size + 1)
        ax.plot(epochs, train, "o-", ms=3, label=msg("plots.train"))
        if val is not None:
            ax.plot(epochs, val, "s--", ms=3, label=msg("plots.val"))
        ax.set_xlabel(msg("plots.epoch"))
        ax.set_ylabel(msg(_METRIC_LABELS[metric]) if metric in _METRIC_LABELS else key)
        if train.size <= 20:
            ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _predicted_labels(out, m):
    """Labels (m,) int from predict's output: labels (m,), P(class 1) (m,) or scores (m, k)."""
    out = _to_numpy(out)
    if out.ndim == 2 and out.shape[0] == m and out.shape[1] == 1:
        out = out[:, 0]
    if out.ndim == 2 and out.shape[0] == m:
        return out.argmax(axis=1)
    if out.ndim != 1 or out.shape[0] != m:
        raise ValueError(msg("plots.bad_predict", shape=tuple(out.shape), m=m))
    if out.dtype.kind in "iub":
        return out.astype(int)
    if np.all((out >= 0) & (out <= 1)):
        return (out > 0.5).astype(int)
    return np.rint(out).astype(int)


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, title=None):
    """Filled regions of predict over the plane plus the points. predict: (m, 2) float32 -> (m,) labels/probs or (m, k) scores; X: (n, 2); y: (n,)."""
    from matplotlib.colors import ListedColormap

    X = _to_numpy(X).astype(np.float32)
    y = _to_numpy(y).reshape(-1).astype(int)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(msg("plots.bad_X", shape=tuple(X.shape)))
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-6) + 0.1
    g1 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    g2 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(g1, g2)
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    Z = _predicted_labels(predict(grid), len(grid)).reshape(xx.shape)

    k = int(max(Z.max(), y.max() if y.size else 0)) + 1
    colors = [f"C{i % 10}" for i in range(max(k, 2))]
    cmap = ListedColormap(colors)
    if ax is None:
        fig, ax = _pyplot().subplots(figsize=(5, 4.5))
    ax.contourf(xx, yy, Z, levels=np.arange(len(colors) + 1) - 0.5, cmap=cmap, alpha=0.3)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=len(colors) - 0.5,
               s=18, edgecolors="k", linewidths=0.4)
    ax.set_xlim(g1[0], g1[-1])
    ax.set_ylim(g2[0], g2[-1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax.figure


def _name(label, class_names):
    label = _to_numpy(label).item()
    if class_names is not None and float(label).is_integer() and 0 <= int(label) < len(class_names):
        return str(class_names[int(label)])
    return str(label)


def show_images(images, labels=None, class_names=None, predictions=None, ncols=10, cmap="gray", title=None):
    """Grid of images (n, h, w) or (n, h, w, c) (also (n, c, h, w) tensors); prediction titles green if right, red if wrong."""
    images = _to_numpy(images)
    if images.ndim == 4 and images.shape[1] in (1, 3) and images.shape[-1] not in (1, 3):
        images = images.transpose(0, 2, 3, 1)  # channels first (PyTorch) -> channels last
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(msg("plots.bad_images", shape=tuple(images.shape)))
    n = len(images)
    for given in (labels, predictions):
        if given is not None and len(given) != n:
            raise ValueError(msg("plots.length", n=n, m=len(given)))
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    plt = _pyplot()
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.5 * nrows), squeeze=False)
    gray_range = {}
    if images.ndim == 3:
        if images.dtype == np.uint8:
            gray_range = {"vmin": 0, "vmax": 255}
        elif images.min() >= 0 and images.max() <= 1:
            gray_range = {"vmin": 0.0, "vmax": 1.0}
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        img = images[i]
        if img.ndim == 3 and img.dtype != np.uint8:
            img = np.clip(img, 0, 1 if img.max() <= 1 else 255)
            if img.max() > 1:
                img = img.astype(np.uint8)
        ax.imshow(img, cmap=cmap if img.ndim == 2 else None, **gray_range)
        if predictions is not None:
            text = msg("plots.pred", name=_name(predictions[i], class_names))
            color = "black"
            if labels is not None:
                right = _to_numpy(predictions[i]).item() == _to_numpy(labels[i]).item()
                color = "green" if right else "red"
            ax.set_title(text, color=color, fontsize=9)
        elif labels is not None:
            ax.set_title(_name(labels[i], class_names), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_function(f, x_range=(-5, 5), labels=None, ax=None, title=None):
    """Plot one or several 1-D functions (callables on a NumPy array), e.g. to compare activations."""
    funcs = list(f) if isinstance(f, (list, tuple)) else [f]
    if labels is None:
        labels = [None] * len(funcs)
    elif isinstance(labels, str):
        labels = [labels]
    labels = list(labels)
    if len(labels) != len(funcs):
        raise ValueError(msg("plots.labels_count", n_funcs=len(funcs), n_labels=len(labels)))
    x = np.linspace(float(x_range[0]), float(x_range[1]), 400)
    if ax is None:
        fig, ax = _pyplot().subplots(figsize=(5.5, 4))
    ax.axhline(0, color="gray", lw=0.7)
    ax.axvline(0, color="gray", lw=0.7)
    for func, label in zip(funcs, labels):
        values = _to_numpy(func(x)).astype(float)
        ax.plot(x, np.broadcast_to(values, x.shape), label=label)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$")
    ax.grid(alpha=0.3)
    if any(label is not None for label in labels):
        ax.legend()
    if title:
        ax.set_title(title)
    return ax.figure
