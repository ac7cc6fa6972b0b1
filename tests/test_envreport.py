"""Tests for coursekit.envreport and ``coursekit entorno``."""

import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from coursekit import cli, datasets, envreport
from coursekit.messages import set_language

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def report(monkeypatch):
    monkeypatch.setenv("COURSEKIT_FAST", "1")
    return envreport.environment_report()


def test_report_contents(report):
    versions = report["versions"]
    assert set(versions) == {"python", "coursekit", "numpy", "tensorflow", "keras", "torch", "sklearn", "matplotlib"}
    assert versions["python"] == ".".join(map(str, sys.version_info[:3]))
    assert versions["numpy"] == metadata.version("numpy")
    assert versions["sklearn"] == metadata.version("scikit-learn")
    assert versions["torch"] == metadata.version("torch")
    assert versions["tensorflow"] and versions["keras"]
    assert isinstance(report["cpu_count"], int) and report["cpu_count"] >= 1
    assert isinstance(report["gpu"], str) and report["gpu"]
    assert report["fast_mode"] is True
    assert report["offline_datasets"] == datasets.available_offline()
    assert set(report["online_cache"]) == {"mnist", "fashion_mnist", "cifar10"}
    assert all(isinstance(v, bool) for v in report["online_cache"].values())
    json.dumps(report)  # JSON-friendly


def test_report_does_not_import_frameworks():
    code = ("import coursekit.envreport as e; e.environment_report(); import sys; "
            "assert 'tensorflow' not in sys.modules and 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


def test_show_environment_spanish(report, capsys):
    envreport.show_environment(report)
    out = capsys.readouterr().out
    assert out.startswith("Entorno del curso")
    assert re.search(r"Modo rápido:\s+activado", out)
    assert re.search(r"Núcleos de CPU:\s+\d+", out)
    assert re.search(r"NumPy:\s+" + re.escape(report["versions"]["numpy"]), out)
    assert re.search(r"mnist_sample:\s+sí\s+Muestra de MNIST", out)
    assert "Datos disponibles sin conexión" in out and "caché de Keras" in out
    # values are aligned in one column
    starts = {len(re.match(r"  (.+?:\s+)", line).group(0)) for line in out.splitlines() if line.startswith("  ")}
    assert len(starts) == 1


def test_fast_mode_off_and_invalid(monkeypatch, capsys):
    monkeypatch.setenv("COURSEKIT_FAST", "0")
    envreport.show_environment()
    assert re.search(r"Modo rápido:\s+desactivado", capsys.readouterr().out)
    monkeypatch.setenv("COURSEKIT_FAST", "quizás")
    report = envreport.environment_report()
    assert report["fast_mode"] is None and "COURSEKIT_FAST" in report["fast_mode_error"]
    envreport.show_environment(report)
    assert "Valor no válido" in capsys.readouterr().out


def test_missing_package_shown_as_not_installed(report, capsys):
    report["versions"]["torch"] = None
    envreport.show_environment(report)
    assert re.search(r"PyTorch:\s+no instalado", capsys.readouterr().out)


def test_english_labels(report, capsys):
    set_language("en")
    envreport.show_environment(report)
    out = capsys.readouterr().out
    assert out.startswith("Course environment") and re.search(r"Fast mode:\s+on", out)


def test_detect_gpu_without_gpu(monkeypatch, tmp_path):
    monkeypatch.setattr(envreport.shutil, "which", lambda name: None)
    monkeypatch.setattr(envreport, "_NVIDIA_PROC", tmp_path / "missing")
    assert envreport.detect_gpu() == "no"


def test_detect_gpu_with_nvidia_smi(monkeypatch, tmp_path):
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho 'NVIDIA Falsa 80GB'\n")
    fake.chmod(0o755)
    monkeypatch.setattr(envreport.shutil, "which", lambda name: str(fake))
    assert envreport.detect_gpu() == "NVIDIA Falsa 80GB"


def test_detect_gpu_from_proc(monkeypatch, tmp_path):
    info = tmp_path / "gpus" / "0000:01:00.0" / "information"
    info.parent.mkdir(parents=True)
    info.write_text("Model: \t\t NVIDIA Otra\nIRQ: 10\n")
    monkeypatch.setattr(envreport.shutil, "which", lambda name: None)
    monkeypatch.setattr(envreport, "_NVIDIA_PROC", tmp_path / "gpus")
    assert envreport.detect_gpu() == "NVIDIA Otra"


def test_cli_json_in_process(capsys, monkeypatch):
    monkeypatch.setenv("COURSEKIT_FAST", "1")
    assert cli.main(["entorno", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fast_mode"] is True and "numpy" in data["versions"]


def test_cli_entorno_subprocess():
    env = dict(os.environ, COURSEKIT_FAST="1", COURSEKIT_LANG="es")
    proc = subprocess.run([sys.executable, "-m", "coursekit.cli", "entorno"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Entorno del curso")
    assert re.search(r"Modo rápido:\s+activado", proc.stdout)
    assert "TensorFlow" in proc.stdout and "PyTorch" in proc.stdout
