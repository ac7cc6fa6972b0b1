#!/usr/bin/env bash
# Run the whole test suite offline: inside a network namespace with only the
# loopback interface when the system allows it (root or user namespaces), and
# always with coursekit's Python-level network guard as a second barrier.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3 TF_ENABLE_ONEDNN_OPTS=0 KERAS_BACKEND=tensorflow MPLBACKEND=Agg
export COURSEKIT_OFFLINE=1 COURSEKIT_HEADLESS=1 COURSEKIT_FAST=1 PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$PWD/tests/offline_guard${PYTHONPATH:+:$PYTHONPATH}"
PY=.venv/bin/python

# The browser test drives Debian's Chromium (never a downloaded browser build). Install it when
# missing and we can (root with apt-get, as on CI); otherwise that test is skipped with the reason.
if ! command -v chromium >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Instalando Chromium para la prueba en navegador (una sola vez)…"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            chromium fonts-noto-color-emoji; } >.venv/chromium.log 2>&1; then
        echo "Aviso: no se pudo instalar Chromium (ver .venv/chromium.log); la prueba en navegador se salta." >&2
    fi
fi

# Parallel over the cores (pytest-xdist), at most 4 workers (each notebook kernel takes ~1 GiB).
# --dist loadgroup keeps the tests of one notebook on the worker that executes it (once).
# COURSEKIT_TEST_WORKERS=0 runs everything in this process.
workers="${COURSEKIT_TEST_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
(( workers > 4 )) && workers=4
if (( workers > 1 )); then
    set -- -n "$workers" --dist loadgroup "$@"
fi

if unshare --net true 2>/dev/null; then
    export COURSEKIT_NETNS=1
    exec unshare --net -- sh -c 'ip link set lo up 2>/dev/null || true; exec "$0" "$@"' \
        "$PY" -m pytest "$@"
elif unshare --map-root-user --net true 2>/dev/null; then
    export COURSEKIT_NETNS=1
    exec unshare --map-root-user --net -- sh -c 'ip link set lo up 2>/dev/null || true; exec "$0" "$@"' \
        "$PY" -m pytest "$@"
else
    echo "Aviso: no se puede aislar la red con unshare; se usa solo el bloqueo de red de coursekit." >&2
    exec "$PY" -m pytest "$@"
fi
