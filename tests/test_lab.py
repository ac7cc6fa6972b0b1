"""The README's lab command serves JupyterLab with the course notebooks listed."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JUPYTER = Path(sys.executable).parent / "jupyter"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_makefile_lab_target_starts_jupyterlab_on_notebooks():
    makefile = (ROOT / "Makefile").read_text()
    assert "jupyter lab --notebook-dir=notebooks" in makefile


def _start_lab(tmp_path, token, attempts=3):
    """Start JupyterLab on a free port; ``--port-retries=0`` so it never silently moves to another
    port, and a new port is tried if another process (a parallel test worker) took it first."""
    for _ in range(attempts):
        port = _free_port()
        proc = subprocess.Popen(
            [str(JUPYTER), "lab", "--no-browser", f"--port={port}", "--port-retries=0", "--ip=127.0.0.1",
             f"--IdentityProvider.token={token}", "--notebook-dir=notebooks"]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)},
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while proc.poll() is None:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                return proc, base
            except OSError:
                if time.time() > deadline:
                    proc.terminate()
                    proc.wait(timeout=30)
                    raise AssertionError("JupyterLab no arrancó")
                time.sleep(0.5)
    raise AssertionError("JupyterLab no arrancó (puerto ocupado en cada intento)")


@pytest.mark.slow
def test_jupyterlab_serves_the_course(tmp_path):
    token = "prueba-curso"
    proc, base = _start_lab(tmp_path, token)
    try:
        listing = json.load(urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=10))
        names = {item["name"] for item in listing["content"]}
        assert {"00_bienvenida.ipynb", "01_neurona_artificial.ipynb"} <= names
        page = urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10)
        assert page.status == 200 and b"JupyterLab" in page.read()
        kernels = json.load(urllib.request.urlopen(f"{base}/api/kernelspecs?token={token}", timeout=10))
        assert "python3" in kernels["kernelspecs"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
