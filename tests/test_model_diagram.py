"""Tests for coursekit.model_diagram: drawing a model needs only matplotlib (no Graphviz)."""

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from coursekit.fmt import fmt_int  # noqa: E402
from coursekit.model_diagram import draw_model, layer_rows  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


ROWS = [
    {"kind": "Conv2D", "name": "conv", "output_shape": [None, 8, 8, 4], "params": 112},
    {"kind": "Flatten", "name": "flat", "output_shape": [None, 256], "params": 0},
    {"kind": "Dense", "name": "out", "output_shape": [None, 10], "params": 2570},
]


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]


def test_draws_a_list_of_layers():
    fig = draw_model(ROWS)
    assert isinstance(fig, Figure)
    texts = _texts(fig)
    assert any("Conv2D" in t for t in texts)
    assert any(f"{fmt_int(2570)} parámetros" in t for t in texts)
    assert any(f"{fmt_int(2682)} parámetros en total" in t for t in texts)
    assert len(fig.axes[0].patches) == len(ROWS)


def test_needs_no_graphviz(monkeypatch, tmp_path):
    """With an empty PATH (no `dot` program anywhere) the drawing still works and saves."""
    monkeypatch.setenv("PATH", str(tmp_path))
    fig = draw_model(ROWS, title="Sin Graphviz")
    out = tmp_path / "modelo.png"
    fig.savefig(out)
    assert out.stat().st_size > 1000


def test_keras_model():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    keras = pytest.importorskip("keras")
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
    ])
    rows = layer_rows(model)
    assert [r["kind"] for r in rows] == ["Entrada", "Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert [r["params"] for r in rows] == [0, 40, 0, 0, 650]
    fig = draw_model(model)
    assert any(f"{fmt_int(model.count_params())} parámetros en total" in t for t in _texts(fig))


def test_torch_model_with_input_shape():
    torch = pytest.importorskip("torch")
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.Flatten(),
                              torch.nn.Linear(256, 10))
    rows = layer_rows(net, input_shape=(1, 8, 8))
    assert rows[0]["kind"] == "Entrada" and rows[1]["output_shape"] == [None, 4, 8, 8]
    assert draw_model(net, input_shape=(1, 8, 8)) is not None


def test_refuses_other_objects():
    with pytest.raises(TypeError, match="No sé dibujar"):
        draw_model(object())
    with pytest.raises(ValueError, match="le falta la clave"):
        draw_model([{"kind": "Dense"}])
