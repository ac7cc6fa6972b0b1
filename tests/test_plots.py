"""Tests for coursekit.plots (Agg backend, no display)."""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from coursekit import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


HISTORY = {
    "loss": [1.0, 0.6, 0.4],
    "val_loss": [1.1, 0.7, 0.5],
    "accuracy": [0.5, 0.7, 0.8],
    "val_accuracy": [0.45, 0.65, 0.75],
}


# --- plot_history ---------------------------------------------------------------

def test_plot_history_dict():
    fig = plots.plot_history(HISTORY, title="Mi modelo")
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert len(axes) == 2
    assert [ax.get_ylabel() for ax in axes] == ["Pérdida", "Exactitud"]
    assert all(ax.get_xlabel() == "Época" for ax in axes)
    for ax, key in zip(axes, ["loss", "accuracy"]):
        train, val = ax.get_lines()
        np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
        np.testing.assert_allclose(train.get_ydata(), HISTORY[key])
        np.testing.assert_allclose(val.get_ydata(), HISTORY["val_" + key])
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["entrenamiento", "validación"]
    assert fig._suptitle.get_text() == "Mi modelo"


def test_plot_history_keras_like_object_with_acc_keys():
    history = SimpleNamespace(history={"loss": np.array([0.9, 0.5], dtype=np.float32),
                                       "acc": [np.float32(0.6), np.float32(0.9)],
                                       "val_acc": [0.5, 0.8]})
    fig = plots.plot_history(history)
    assert [ax.get_ylabel() for ax in fig.axes] == ["Pérdida", "Exactitud"]
    assert len(fig.axes[0].get_lines()) == 1  # no val_loss: only the training curve
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["entrenamiento"]
    np.testing.assert_allclose(fig.axes[1].get_lines()[1].get_ydata(), [0.5, 0.8])


def test_plot_history_single_metric_and_other_names():
    fig = plots.plot_history({"loss": [3, 2, 1], "mae": [1, 0.5, 0.2]}, metrics=("loss", "mae"))
    assert [ax.get_ylabel() for ax in fig.axes] == ["Pérdida", "mae"]
    fig = plots.plot_history({"loss": [3, 2, 1]}, metrics="loss")
    assert len(fig.axes) == 1


@pytest.mark.parametrize("history, pattern", [
    ({"mae": [1, 2]}, "ninguna de las métricas"),
    ({"loss": [1, 2, 3], "val_loss": [1, 2]}, "un valor por época"),
    ({"loss": []}, "vacía"),
    ([1, 2, 3], "History de Keras"),
])
def test_plot_history_errors_in_spanish(history, pattern):
    with pytest.raises(ValueError, match=pattern):
        plots.plot_history(history)


# --- plot_decision_boundary -------------------------------------------------------

def test_predicted_labels_kinds():
    m = 4
    np.testing.assert_array_equal(plots._predicted_labels(np.array([0, 2, 1, 1]), m), [0, 2, 1, 1])
    np.testing.assert_array_equal(plots._predicted_labels(np.array([0.1, 0.9, 0.51, 0.49]), m), [0, 1, 1, 0])
    np.testing.assert_array_equal(plots._predicted_labels(np.array([[0.2], [0.7], [0.6], [0.0]]), m), [0, 1, 1, 0])
    scores = np.array([[1, 5, 0], [9, 1, 0], [0, 0, 3], [0, 2, 1]], dtype=float)
    np.testing.assert_array_equal(plots._predicted_labels(scores, m), [1, 0, 2, 1])
    np.testing.assert_array_equal(plots._predicted_labels(np.array([0.0, 2.0, 1.0, 2.0]), m), [0, 2, 1, 2])
    with pytest.raises(ValueError, match="predict devolvió"):
        plots._predicted_labels(np.zeros(3), m)


@pytest.mark.parametrize("kind", ["labels", "proba", "scores"])
def test_plot_decision_boundary(kind):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    seen = {}

    def predict(Z):
        seen["shape"], seen["dtype"] = Z.shape, Z.dtype
        if kind == "labels":
            return (Z[:, 0] > 0).astype(int)
        if kind == "proba":
            return 1 / (1 + np.exp(-5 * Z[:, 0]))
        return np.column_stack([-Z[:, 0], Z[:, 0]])

    fig = plots.plot_decision_boundary(predict, X, y, resolution=40, title="Frontera")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert seen == {"shape": (1600, 2), "dtype": np.float32}
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$" and ax.get_title() == "Frontera"
    scatter = [c for c in ax.collections if c.get_offsets().shape == (50, 2)]
    assert len(scatter) == 1
    x0, x1 = ax.get_xlim()
    assert x0 < X[:, 0].min() and x1 > X[:, 0].max()


def test_plot_decision_boundary_on_given_axes_and_multiclass():
    fig, axes = plt.subplots(1, 2)
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 2, 3])
    out = plots.plot_decision_boundary(lambda Z: (Z[:, 0] > 0.5) + 2 * (Z[:, 1] > 0.5), X, y,
                                       ax=axes[1], resolution=20)
    assert out is fig
    assert axes[1].collections and not axes[0].collections
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plots.plot_decision_boundary(lambda Z: Z[:, 0], np.zeros((5, 3)), np.zeros(5))


# --- show_images -----------------------------------------------------------------

def test_show_images_grid_and_titles():
    images = np.random.default_rng(0).random((12, 8, 8)).astype(np.float32)
    labels = np.arange(12) % 10
    names = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
    fig = plots.show_images(images, labels, class_names=names, ncols=5, title="Dígitos")
    assert isinstance(fig, Figure) and len(fig.axes) == 15  # 3 rows x 5 columns
    assert [ax.get_title() for ax in fig.axes[:3]] == ["cero", "uno", "dos"]
    assert fig.axes[10].get_title() == "cero"
    assert not fig.axes[12].images  # unused cells are empty
    assert fig.axes[0].images[0].get_array().shape == (8, 8)


def test_show_images_predictions_coloured():
    images = np.zeros((4, 5, 5), dtype=np.float32)
    labels = np.array([0, 1, 2, 3])
    preds = np.array([0, 2, 2, 1])
    fig = plots.show_images(images, labels, class_names=["a", "b", "c", "d"], predictions=preds)
    titles = [ax.title for ax in fig.axes]
    assert [t.get_text() for t in titles] == ["pred: a", "pred: c", "pred: c", "pred: b"]
    colours = [to_rgba(t.get_color()) for t in titles]
    assert colours == [to_rgba("green"), to_rgba("red"), to_rgba("green"), to_rgba("red")]


@pytest.mark.parametrize("shape, dtype", [
    ((3, 6, 6, 1), np.float32),
    ((3, 6, 6, 3), np.uint8),
    ((3, 6, 6, 3), np.float32),
    ((3, 3, 6, 6), np.float32),  # channels first, as PyTorch gives it
])
def test_show_images_channels(shape, dtype):
    images = (np.random.default_rng(0).random(shape) * (255 if dtype == np.uint8 else 1)).astype(dtype)
    fig = plots.show_images(images, labels=[1, 2, 3])
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape[:2] == (6, 6)
    assert [ax.get_title() for ax in fig.axes] == ["1", "2", "3"]


def test_show_images_errors():
    with pytest.raises(ValueError, match="alto, ancho"):
        plots.show_images(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="una por imagen"):
        plots.show_images(np.zeros((3, 4, 4)), labels=[0, 1])


# --- plot_function ---------------------------------------------------------------

def test_plot_function_several():
    relu = lambda x: np.maximum(0, x)  # noqa: E731
    fig = plots.plot_function([np.tanh, relu], x_range=(-2, 3), labels=["tanh", "ReLU"], title="Activaciones")
    ax = fig.axes[0]
    curves = [line for line in ax.get_lines() if line.get_label() in ("tanh", "ReLU")]
    assert len(curves) == 2
    x = curves[1].get_xdata()
    assert x[0] == -2 and x[-1] == 3
    np.testing.assert_allclose(curves[1].get_ydata(), np.maximum(0, x))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["tanh", "ReLU"]
    assert ax.get_title() == "Activaciones"


def test_plot_function_single_and_errors():
    fig, ax = plt.subplots()
    assert plots.plot_function(np.sin, ax=ax) is fig
    assert ax.get_legend() is None
    with pytest.raises(ValueError, match="una etiqueta por función"):
        plots.plot_function([np.sin, np.cos], labels=["seno"])
