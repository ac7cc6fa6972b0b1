"""The course's table of contents: one list that navigation, index and workspace share."""

from pathlib import Path

# (file stem, Spanish title, English title)
NOTEBOOKS = (
    ("00_bienvenida", "Bienvenida y entorno", "Welcome and environment"),
    ("01_neurona_artificial", "La neurona artificial", "The artificial neuron"),
    ("02_descenso_gradiente", "Descenso del gradiente", "Gradient descent"),
    ("03_retropropagacion", "Retropropagación", "Backpropagation"),
    ("04_redes_profundas", "Redes profundas con Keras y PyTorch", "Deep feedforward networks with Keras and PyTorch"),
    ("05_regularizacion", "Regularización", "Regularization"),
    ("06_optimizacion", "Optimización para entrenar modelos profundos", "Optimization for training deep models"),
    ("07_redes_convolucionales", "Redes convolucionales", "Convolutional networks"),
    ("08_redes_recurrentes", "Redes recurrentes: RNN, LSTM y GRU", "Recurrent networks: RNN, LSTM and GRU"),
    ("09_transferencia", "Aprendizaje por transferencia", "Transfer learning"),
    ("10_metodologia_practica", "Metodología práctica", "Practical methodology"),
    ("11_etica", "Ética y responsabilidad", "Ethics and responsibility"),
    ("12_avances_recientes", "Avances recientes", "Recent advances"),
)
GLOSSARY = "glosario.md"
NAV_KEY = "navigation"  # metadata.coursekit.navigation on the generated cells
INDEX_KEY = "index"


def title(stem: str) -> str:
    """Spanish title of a notebook: ``"03 · Retropropagación"``."""
    for name, spanish, _ in NOTEBOOKS:
        if name == stem:
            return f"{stem[:2]} · {spanish}"
    raise KeyError(stem)


def available(folder) -> list:
    """Stems of the course notebooks present in ``folder``, in course order."""
    folder = Path(folder)
    return [stem for stem, _, _ in NOTEBOOKS if (folder / f"{stem}.ipynb").exists()]


def navigation_markdown(stem: str, present: list) -> str:
    """The last cell of a notebook: previous, index, glossary, next (only notebooks that exist)."""
    position = present.index(stem)
    parts = []
    if position > 0:
        previous = present[position - 1]
        parts.append(f"[← {title(previous)}]({previous}.ipynb)")
    if stem != present[0]:
        parts.append(f"[Índice del curso]({present[0]}.ipynb#Índice-del-curso)")
    parts.append(f"[Glosario]({GLOSSARY})")
    if position + 1 < len(present):
        following = present[position + 1]
        parts.append(f"[{title(following)} →]({following}.ipynb)")
    return "---\n\n" + " · ".join(parts)


def index_markdown(present: list) -> str:
    """The course index (in notebook 00): every notebook, linked when it exists."""
    lines = ["## Índice del curso", ""]
    for stem, _, _ in NOTEBOOKS:
        if stem in present:
            lines.append(f"- [{title(stem)}]({stem}.ipynb)")
        else:
            lines.append(f"- {title(stem)} *(en preparación)*")
    lines += ["", f"El [glosario]({GLOSSARY}) reúne los términos en español con su equivalente en inglés."]
    return "\n".join(lines)
