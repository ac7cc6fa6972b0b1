import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
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
