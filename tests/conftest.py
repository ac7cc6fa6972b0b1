import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")

# nbval checks only the course notebooks (notebooks/); notebooks used as test data are not collected.
collect_ignore_glob = ["**/*.ipynb", "*.ipynb"]
