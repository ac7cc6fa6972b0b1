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


@pytest.mark.slow
def test_jupyterlab_serves_the_course(tmp_path):
    port = _free_port()
    token = "prueba-curso"
    proc = subprocess.Popen(
        [str(JUPYTER), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", "--notebook-dir=notebooks"]
        + (["--allow-root"] if os.geteuid() == 0 else []),
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise AssertionError("JupyterLab no arrancó")
                time.sleep(0.5)
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
