#!/usr/bin/env bash
# Create or update the course's virtual environment (.venv) when needed.
# Idempotent: if pyproject.toml and constraints.txt have not changed since the
# last successful install, it does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${COURSEKIT_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.coursekit-stamp"
LOG="$VENV/instalacion.log"

want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
    exit 0
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "Error: hace falta Python 3.10 o posterior (se encontró: $("$PYTHON" --version 2>&1))." >&2
    exit 1
fi

echo "Preparando el entorno del curso en $VENV (la primera vez tarda unos minutos)…"
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -m pip install --progress-bar off -c constraints.txt -e '.[test]' >"$LOG" 2>&1; then
    echo "Error: la instalación de dependencias falló. Últimas líneas de $LOG:" >&2
    grep -v "is ignored: it is neither a file nor a directory" "$LOG" | tail -n 25 >&2
    exit 1
fi
echo "$want" >"$STAMP"
echo "Entorno listo."
