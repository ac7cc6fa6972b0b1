"""coursekit.interactive: sliders when someone is looking, a static grid otherwise."""

import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from coursekit import interactive  # noqa: E402


def _recorder():
    calls = []

    def draw(ax, lr, num_steps):
        calls.append((lr, num_steps))
        ax.plot(range(num_steps), [lr] * num_steps)
        ax.set_title(f"η = {lr}")

    return draw, calls


SLIDERS = {"lr": (0.001, 1.0, 0.1, 0.1), "num_steps": (1, 50, 1, 20)}
STATIC = [{"lr": 0.01, "num_steps": 5}, {"lr": 0.1, "num_steps": 5}, {"lr": 0.5, "num_steps": 5}]


def test_headless_draws_static_grid(monkeypatch):
    monkeypatch.setenv("COURSEKIT_HEADLESS", "1")
    draw, calls = _recorder()
    fig = interactive.explore(draw, SLIDERS, STATIC)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert calls == [(0.01, 5), (0.1, 5), (0.5, 5)]
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["η = 0.01", "η = 0.1", "η = 0.5"]
    assert len(fig.axes) == 4  # 2 × 2, the spare panel hidden
    plt.close(fig)


def test_without_ipywidgets_falls_back_to_static(monkeypatch):
    monkeypatch.setenv("COURSEKIT_HEADLESS", "0")
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails
    draw, calls = _recorder()
    fig = interactive.explore(draw, SLIDERS, STATIC[:1])
    assert isinstance(fig, matplotlib.figure.Figure)
    assert calls == [(0.01, 5)]
    plt.close(fig)


def test_interactive_mode_builds_sliders(monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.setenv("COURSEKIT_HEADLESS", "0")
    draw, calls = _recorder()
    box = interactive.explore(draw, SLIDERS, STATIC, labels={"lr": "tasa"}, log=("lr",))
    sliders = box.children[0].children
    assert [type(s).__name__ for s in sliders] == ["FloatLogSlider", "IntSlider"]
    assert sliders[0].description == "tasa"
    assert abs(sliders[0].value - 0.1) < 1e-12 and sliders[1].value == 20
    assert calls[-1] == (pytest.approx(0.1), 20)  # first drawing with the initial values
    sliders[1].value = 7
    assert calls[-1] == (pytest.approx(0.1), 7)
    plt.close("all")


def test_static_grid_needs_values():
    with pytest.raises(ValueError):
        interactive.static_grid(lambda ax: None, [])
