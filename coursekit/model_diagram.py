"""Draw a layer-by-layer diagram of a model with matplotlib alone (no Graphviz, no pydot).

``keras.utils.plot_model`` needs the Graphviz ``dot`` program, which a fresh machine set up
with pip alone does not have. ``draw_model`` draws the same kind of picture (one box per
layer, top to bottom, with its kind, output shape and parameter count) from a Keras model,
a PyTorch ``nn.Module`` (give ``input_shape`` to get output shapes) or a plain list of
layer dictionaries ``{"kind", "name", "output_shape", "params"}``.
"""

from coursekit.exercises.transforms import describe_model
from coursekit.fmt import fmt_int

# Box colours by layer family (light, so the black text reads well).
_COLOURS = {
    "Conv2d": "#cfe2f3", "Conv2D": "#cfe2f3",
    "MaxPool2d": "#d9ead3", "MaxPooling2D": "#d9ead3", "AvgPool2d": "#d9ead3",
    "AveragePooling2D": "#d9ead3",
    "Flatten": "#fff2cc",
    "Linear": "#f4cccc", "Dense": "#f4cccc",
    "ReLU": "#eeeeee", "Softmax": "#eeeeee", "Dropout": "#eeeeee",
    "InputLayer": "#ffffff", "Entrada": "#ffffff",
}


def _shape_text(shape):
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def layer_rows(model, input_shape=None):
    """Plain rows [{"kind", "name", "output_shape", "params"}] of a model (Keras, PyTorch or a list)."""
    if isinstance(model, (list, tuple)):
        rows = [dict(row) for row in model]
    else:
        description = describe_model(model, input_shape)
        if description.get("framework") is None:
            raise TypeError(f"No sé dibujar un objeto de tipo {description.get('type', '?')}: "
                            "pasa un modelo de Keras, un nn.Module de PyTorch o una lista de capas.")
        rows = [dict(row) for row in description["layers"]]
        if input_shape is not None or description["framework"] == "keras":
            shape = None
            if description["framework"] == "keras":
                try:
                    shape = [None] + [int(d) for d in model.inputs[0].shape[1:]]
                except Exception:
                    shape = None
            else:
                shape = [None] + list(input_shape)
            if shape is not None and (not rows or rows[0]["kind"] != "InputLayer"):
                rows.insert(0, {"kind": "Entrada", "name": "entrada", "output_shape": shape, "params": 0})
    for row in rows:
        for key in ("kind", "name", "output_shape", "params"):
            if key not in row:
                raise ValueError(f"A la capa {row!r} le falta la clave «{key}».")
    return rows


def draw_model(model, input_shape=None, title=None, ax=None):
    """Diagram of ``model``: one box per layer with kind, output shape and parameters. Returns the Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    rows = layer_rows(model, input_shape)
    n = len(rows)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 0.62 * n + 0.9))
    else:
        fig = ax.figure
    box_h, gap = 0.72, 0.38
    total = sum(int(row["params"]) for row in rows)
    for i, row in enumerate(rows):
        y = -i * (box_h + gap)
        colour = _COLOURS.get(row["kind"], "#eeeeee")
        ax.add_patch(FancyBboxPatch((0.0, y - box_h), 1.0, box_h, boxstyle="round,pad=0.02",
                                    facecolor=colour, edgecolor="#444444", linewidth=1.0))
        params = int(row["params"])
        detail = _shape_text(row["output_shape"])
        if params:
            detail += f"  ·  {fmt_int(params)} parámetros"
        ax.text(0.5, y - 0.27 * box_h, f"{row['kind']}  ({row['name']})", ha="center", va="center",
                fontsize=9, fontweight="bold")
        ax.text(0.5, y - 0.70 * box_h, detail, ha="center", va="center", fontsize=8.5)
        if i < n - 1:
            ax.annotate("", xy=(0.5, y - box_h - gap + 0.02), xytext=(0.5, y - box_h - 0.02),
                        arrowprops=dict(arrowstyle="->", color="#444444", lw=1.0))
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-n * (box_h + gap) + gap - 0.1, 0.1)
    ax.axis("off")
    ax.set_title(title or f"{n} capas · {fmt_int(total)} parámetros en total", fontsize=10)
    fig.tight_layout()
    return fig
