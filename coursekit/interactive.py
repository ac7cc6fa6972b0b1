"""Interactive explorers with sliders that fall back to a static grid of figures.

``explore(draw, sliders, static)`` shows ipywidgets sliders that redraw
``draw(ax, **values)`` when a person is looking at the notebook. When nobody is
(``coursekit.config.headless()``: tests, papermill, grading) or ipywidgets is not
installed, it draws one panel per entry of ``static`` instead, so the notebook
runs unattended and still shows something useful.
"""

import math

from coursekit.config import headless


def _is_int(spec) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in spec)


def make_slider(widgets, name, spec, label=None, log=False):
    """One ipywidgets slider from ``spec = (min, max, step, value)``.

    All-integer specs give an ``IntSlider``; ``log=True`` gives a ``FloatLogSlider``
    (base 10) between ``min`` and ``max`` with ``step`` in powers of ten.
    """
    low, high, step, value = spec
    common = dict(description=label or name, continuous_update=False,
                  style={"description_width": "initial"})
    if log:
        return widgets.FloatLogSlider(value=value, base=10, min=math.log10(low), max=math.log10(high),
                                      step=step, readout_format=".3g", **common)
    if _is_int(spec):
        return widgets.IntSlider(value=value, min=low, max=high, step=step, **common)
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, readout_format=".3g", **common)


def static_grid(draw, static, ncols=2, panel_size=(4.6, 3.6), title=None):
    """Draw ``draw(ax, **values)`` once per dict in ``static`` on a grid; return the Figure."""
    import matplotlib.pyplot as plt

    static = list(static)
    if not static:
        raise ValueError("static necesita al menos una combinación de valores.")
    ncols = max(1, min(ncols, len(static)))
    nrows = math.ceil(len(static) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                             squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax, values in zip(flat, static):
        draw(ax, **values)
    for ax in flat[len(static):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def explore(draw, sliders, static, *, labels=None, log=(), ncols=2, panel_size=(4.6, 3.6),
            figsize=(6.5, 4.8), title=None, interactive=None):
    """Sliders that redraw ``draw(ax, **values)``; a static grid when headless or without ipywidgets.

    sliders: ``{name: (min, max, step, value)}``; static: list of ``{name: value}``
    dicts for the static grid; labels: slider descriptions; log: names of
    log-scale sliders; interactive: force one mode (None: decide from the environment).
    Returns the widget (interactive) or the Figure (static).
    """
    import matplotlib.pyplot as plt

    use_widgets = (not headless()) if interactive is None else bool(interactive)
    widgets = None
    if use_widgets:
        try:
            import ipywidgets as widgets
        except ImportError:
            use_widgets = False
    if not use_widgets:
        fig = static_grid(draw, static, ncols=ncols, panel_size=panel_size, title=title)
        plt.show()
        return fig

    labels = labels or {}
    controls = {name: make_slider(widgets, name, spec, labels.get(name), name in set(log))
                for name, spec in sliders.items()}

    def redraw(**values):
        fig, ax = plt.subplots(figsize=figsize)
        draw(ax, **values)
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        plt.show()

    output = widgets.interactive_output(redraw, controls)
    box = widgets.VBox([widgets.HBox(list(controls.values())), output])
    try:
        from IPython.display import display

        display(box)
    except ImportError:  # fuera de IPython no hay dónde mostrar el control
        pass
    return box
