"""pyproject.toml, constraints.txt and environment.yml describe the same environment."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement):
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = data["project"]
    return project["dependencies"] + project["optional-dependencies"]["test"]


def _environment_yml():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    conda, pip_deps, in_pip = [], [], False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("- pip:"):
            in_pip = True
            continue
        if stripped.startswith("- ") and in_pip and line.startswith("      "):
            pip_deps.append(stripped[2:])
        elif stripped.startswith("- ") and line.startswith("  - "):
            in_pip = False
            conda.append(stripped[2:])
    return conda, pip_deps


def test_environment_yml_lists_the_same_packages():
    conda, pip_deps = _environment_yml()
    declared = {_name(r) for r in _pyproject()}
    listed = {_name(r) for r in pip_deps}
    listed.discard("-e")
    assert "python" in {_name(c) for c in conda}
    assert declared == listed, ("pyproject.toml vs environment.yml", declared ^ listed)


def test_pins_agree():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    assert pins.get("torch") == "2.13.0"
    _, pip_deps = _environment_yml()
    for requirement in pip_deps:
        name = _name(requirement)
        if name in pins:
            assert requirement.replace(" ", "").lower() == f"{name}=={pins[name]}", requirement


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert "make test" in ci
