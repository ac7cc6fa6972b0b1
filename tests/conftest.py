import os

import pytest

from coursekit.config import quiet_tensorflow

quiet_tensorflow()
os.environ.setdefault("MPLBACKEND", "Agg")

# nbval checks only the course notebooks (notebooks/); notebooks used as test data are not collected.
collect_ignore_glob = ["**/*.ipynb", "*.ipynb"]


@pytest.fixture(autouse=True)
def spanish():
    """Learner-facing messages in Spanish, whatever COURSEKIT_LANG says, in every test."""
    from coursekit.messages import set_language

    set_language("es")
    yield
    set_language(None)
