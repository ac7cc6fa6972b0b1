"""Environment report (``coursekit entorno``): versions, CPU/GPU, fast mode and data, without importing TensorFlow or PyTorch."""

import json
import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

# Distribution names to try for each package (first one installed wins).
_DISTRIBUTIONS = {
    "coursekit": ("coursekit",),
    "numpy": ("numpy",),
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tensorflow-macos", "tf-nightly"),
    "keras": ("keras",),
    "torch": ("torch",),
    "sklearn": ("scikit-learn",),
    "matplotlib": ("matplotlib",),
}
_DISPLAY_NAMES = {
    "python": "Python", "coursekit": "coursekit", "numpy": "NumPy", "tensorflow": "TensorFlow",
    "keras": "Keras", "torch": "PyTorch", "sklearn": "scikit-learn", "matplotlib": "Matplotlib",
}
_NVIDIA_PROC = Path("/proc/driver/nvidia/gpus")


def _version(key):
    """Installed version of a package read from its metadata (None if missing); never imports it."""
    for dist in _DISTRIBUTIONS[key]:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    if key == "coursekit":
        from coursekit import __version__

        return __version__
    return None


def _cpu_count():
    """CPU cores this process may use (affinity-aware where the OS supports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def detect_gpu():
    """GPU names from nvidia-smi or /proc/driver/nvidia, without importing any framework; "no" when none is found."""
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            out = subprocess.run([smi, "--query-gpu=name", "--format=csv,noheader"],
                                 capture_output=True, text=True, timeout=5)
            names = [line.strip() for line in out.stdout.splitlines() if line.strip()]
            if out.returncode == 0 and names:
                return ", ".join(names)
        except (OSError, subprocess.SubprocessError):
            pass
    gpus = _NVIDIA_PROC
    if gpus.is_dir():
        names = []
        for info in sorted(gpus.glob("*/information")):
            try:
                for line in info.read_text().splitlines():
                    if line.startswith("Model:"):
                        names.append(line.split(":", 1)[1].strip())
            except OSError:
                pass
        if names:
            return ", ".join(names)
        if any(gpus.iterdir()):
            return "NVIDIA"
    return "no"


def environment_report() -> dict:
    """Versions, cores, GPU, fast mode and data status as a JSON-friendly dict; imports neither TensorFlow nor PyTorch."""
    from coursekit import datasets
    from coursekit.config import fast_mode
    from coursekit.messages import current_language

    versions = {"python": platform.python_version()}
    versions.update({key: _version(key) for key in _DISTRIBUTIONS})
    try:
        fast, fast_error = fast_mode(), None
    except ValueError as exc:
        fast, fast_error = None, str(exc)
    report = {
        "versions": versions,
        "cpu_count": _cpu_count(),
        "gpu": detect_gpu(),
        "fast_mode": fast,
        "language": current_language(),
        "offline_datasets": datasets.available_offline(),
        "online_cache": {name: datasets.cache_status(name) for name in datasets.ONLINE},
        "keras_cache_dir": str(datasets.keras_cache_dir()),
    }
    if fast_error:
        report["fast_mode_error"] = fast_error
    return report


def format_report(report) -> str:
    """Aligned Spanish text of an environment_report() dict."""
    from coursekit.datasets import describe_offline
    from coursekit.messages import msg

    yes, no = msg("env.yes"), msg("env.no")
    if report["fast_mode"] is None:
        fast = msg("env.fast_invalid", error=report.get("fast_mode_error", ""))
    else:
        fast = msg("env.on") if report["fast_mode"] else msg("env.off")
    rows = [(_DISPLAY_NAMES.get(k, k), v or msg("env.not_installed")) for k, v in report["versions"].items()]
    rows += [
        (msg("env.cpu"), str(report["cpu_count"])),
        (msg("env.gpu"), no if report["gpu"] == "no" else report["gpu"]),
        (msg("env.fast_mode"), fast),
        (msg("env.language"), report["language"]),
    ]
    offline = [(name, f"{yes if ok else no:<3} {describe_offline(name)}".rstrip())
               for name, ok in report["offline_datasets"].items()]
    online = [(name, msg("env.cached") if ok else msg("env.not_cached"))
              for name, ok in report["online_cache"].items()]
    width = max(len(label) for label, _ in rows + offline + online) + 2
    lines = [msg("env.title")]
    lines += [f"  {label + ':':<{width}}{value}" for label, value in rows]
    lines += ["", msg("env.offline")]
    lines += [f"  {label + ':':<{width}}{value}" for label, value in offline]
    lines += ["", msg("env.online", path=report["keras_cache_dir"])]
    lines += [f"  {label + ':':<{width}}{value}" for label, value in online]
    return "\n".join(lines)


def show_environment(report=None) -> None:
    """Print the environment report in Spanish (computes it when not given)."""
    print(format_report(report if report is not None else environment_report()))


def add_arguments(parser) -> None:
    """Options of ``coursekit entorno``."""
    from coursekit.messages import msg

    parser.add_argument("--json", action="store_true", help=msg("env.json_help"))


def run(args) -> int:
    """Run ``coursekit entorno``: text report, or JSON with --json."""
    report = environment_report()
    if getattr(args, "json", False):
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        show_environment(report)
    return 0
