"""Checks on models and on training, for custom exercises.

They work on the plain description made by ``transforms.describe_model`` (so they
run in trusted code, in the notebook or in the grader) and raise ``Failed`` with a
Spanish diagnosis. Nothing here uses Keras 2-only APIs such as ``layer.output_shape``.
"""

import math

import numpy as np

from coursekit.exercises.core import require

# Layers that carry no computation worth checking by kind.
SKIP_KINDS = {"InputLayer", "Dropout", "Identity"}


def layers_of(description, skip=SKIP_KINDS):
    """Layers of a model description, without input/dropout layers."""
    return [layer for layer in description.get("layers", []) if layer["kind"] not in skip]


def require_model(description, kinds=None, params=None, layer_params=None,
                  output_shapes=None, activations=None, trainable=None, skip=SKIP_KINDS):
    """Check a model description against what the exercise asks for.

    kinds: list of layer class names ("Dense", "Conv2D"; torch: "Linear", "ReLU");
    params: total parameter count; layer_params / output_shapes / activations /
    trainable: lists aligned with the checked layers (None entries are skipped).
    """
    require(description.get("framework") is not None, "model.not_a_model",
            type=description.get("type", "?"))
    layers = layers_of(description, skip)
    if kinds is not None:
        require(len(layers) == len(kinds), "model.layers_count", actual=len(layers), expected=len(kinds))
        for index, (layer, kind) in enumerate(zip(layers, kinds), start=1):
            require(layer["kind"] == kind, "model.layer_kind", index=index, actual=layer["kind"], expected=kind)
    for index, (layer, expected) in enumerate(zip(layers, layer_params or []), start=1):
        if expected is not None:
            require(layer["params"] == expected, "model.layer_params", index=index,
                    kind=layer["kind"], actual=layer["params"], expected=expected)
    for index, (layer, expected) in enumerate(zip(layers, output_shapes or []), start=1):
        if expected is not None:
            actual = None if layer["output_shape"] is None else tuple(layer["output_shape"])
            require(actual == tuple(expected), "model.output_shape", index=index,
                    kind=layer["kind"], actual=actual, expected=tuple(expected))
    for index, (layer, expected) in enumerate(zip(layers, activations or []), start=1):
        if expected is not None:
            require(layer["activation"] == expected, "model.activation", index=index,
                    kind=layer["kind"], actual=layer["activation"], expected=expected)
    for index, (layer, expected) in enumerate(zip(layers, trainable or []), start=1):
        if expected is not None:
            require(layer["trainable"] == expected, "model.trainable", index=index,
                    kind=layer["kind"], actual=layer["trainable"], expected=expected)
    if params is not None:
        require(description["params"] == params, "model.param_count",
                actual=description["params"], expected=params)


def require_loss_decrease(losses, factor=2.0, min_epochs=2):
    """The loss history must be finite and its last value ``factor`` times below the first."""
    losses = [float(v) for v in np.asarray(losses, dtype=float).ravel()]
    require(len(losses) >= min_epochs, "train.too_few_losses", n=len(losses))
    require(all(math.isfinite(v) for v in losses), "train.loss_nan")
    require(losses[-1] * factor <= losses[0], "train.loss_not_down",
            first=losses[0], last=losses[-1], factor=factor)


def require_accuracy(predictions, y_true, threshold):
    """Accuracy of ``predictions`` (labels, binary probabilities or class scores) ≥ threshold."""
    pred = np.asarray(predictions, dtype=float)
    y_true = np.asarray(y_true).ravel()
    if pred.ndim == 2 and pred.shape[1] > 1:
        labels = pred.argmax(axis=1)
    else:
        pred = pred.ravel()
        is_binary_prob = np.all((pred >= 0) & (pred <= 1)) and not np.all(np.isin(pred, [0, 1]))
        labels = (pred > 0.5).astype(int) if is_binary_prob else np.rint(pred).astype(int)
    require(labels.shape == y_true.shape, "cmp.shape", actual=labels.shape, expected=y_true.shape)
    accuracy = float(np.mean(labels == y_true))
    require(accuracy >= threshold, "train.accuracy_low", actual=accuracy, threshold=threshold)
    return accuracy


def stratified_holdout(X, y, rng, fraction=0.3):
    """Split (X, y) per class: ``fraction`` kept by the checker, the rest (shuffled) for the learner.

    Returns ``X_train, y_train, X_hold, y_hold``; the learner never sees the held-out part.
    """
    y = np.asarray(y)
    train_idx, hold_idx = [], []
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        cut = int(round(fraction * len(idx)))
        hold_idx.append(idx[:cut])
        train_idx.append(idx[cut:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    hold_idx = np.concatenate(hold_idx)
    return X[train_idx], y[train_idx], X[hold_idx], y[hold_idx]
