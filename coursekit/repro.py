"""Reproducibility: one call seeds Python, NumPy and the frameworks in use."""

import os
import random
import sys


def set_seed(seed: int = 0, frameworks=()) -> list:
    """Seed Python, NumPy and TensorFlow/Keras/torch if already imported (or named).

    A framework is seeded only when the notebook has imported it (it is in
    ``sys.modules``) or when it is named in ``frameworks`` (``"torch"``,
    ``"tensorflow"``); the other one is never imported. Returns the seeded names.
    """
    wanted = set(frameworks)
    unknown = wanted - {"torch", "tensorflow", "keras"}
    if unknown:
        raise ValueError(f"Framework desconocido: {sorted(unknown)}. Usa 'torch', 'tensorflow' o 'keras'.")
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    seeded = ["python"]
    import numpy as np

    np.random.seed(seed)
    seeded.append("numpy")
    if "torch" in sys.modules or "torch" in wanted:
        import torch

        torch.manual_seed(seed)
        seeded.append("torch")
    if "tensorflow" in sys.modules or wanted & {"tensorflow", "keras"}:
        import tensorflow as tf

        tf.random.set_seed(seed)
        seeded.append("tensorflow")
    if "keras" in sys.modules or "keras" in wanted:
        # keras.utils.set_random_seed also seeds Keras' own global SeedGenerator.
        import keras

        keras.utils.set_random_seed(seed)
        seeded.append("keras")
    return seeded
