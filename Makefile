# Curso de Deep Learning: dos órdenes bastan.
#   make lab   -> prepara el entorno (la primera vez) y abre JupyterLab en notebooks/
#   make test  -> prepara el entorno y ejecuta todas las pruebas, sin red
# Otras: make bench (benchmark de los cuadernos), make ediciones, make entorno.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export KERAS_BACKEND := tensorflow
PORT ?= 8888
# Jupyter refuses to run as root (containers, CI) unless told explicitly.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test bench ediciones entorno env clean

env:
	@./scripts/bootstrap.sh

lab: env
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

test: env
	./scripts/test.sh $(PYTEST_ARGS)

bench: env
	$(PY) bench/run_bench.py $(BENCH_ARGS)

ediciones: env
	$(PY) -m coursekit.cli ediciones

entorno: env
	$(PY) -m coursekit.cli entorno

clean:
	rm -rf build .pytest_cache
