# Curso de Deep Learning: dos órdenes bastan.
#   make lab   -> prepara el entorno (la primera vez), crea o actualiza tu espacio de trabajo
#                 mi-curso/ (edición del alumnado) y abre JupyterLab en él
#   make test  -> prepara el entorno y ejecuta todas las pruebas, sin red (en paralelo)
# Otras: make test-rapido (sin cuadernos ni pruebas lentas, para trabajar en local),
#        make lab-soluciones (profesorado: los cuadernos fuente, con soluciones),
#        make bench (benchmark de los cuadernos), make ediciones, make entorno.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export KERAS_BACKEND := tensorflow
PORT ?= 8888
WORKSPACE ?= mi-curso
# Jupyter refuses to run as root (containers, CI) unless told explicitly.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab lab-soluciones espacio test test-rapido bench ediciones entorno env clean

env:
	@./scripts/bootstrap.sh

lab: espacio
	$(VENV)/bin/jupyter lab --notebook-dir=$(WORKSPACE) --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

# For instructors: the source notebooks, solutions included.
lab-soluciones: env
	$(PY) -c "from coursekit.workspace import write_lab_settings; write_lab_settings()"
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

espacio: env
	$(PY) -m coursekit.cli espacio --destino $(WORKSPACE)

test: env
	./scripts/test.sh $(PYTEST_ARGS)

# Unit tests only: no notebook execution, no grading batches, no JupyterLab, no slow tests.
# CI runs `make test` (everything).
test-rapido: env
	./scripts/test.sh -m "not notebooks and not slow and not calificacion" $(PYTEST_ARGS)

bench: env
	$(PY) bench/run_bench.py $(BENCH_ARGS)

ediciones: env
	$(PY) -m coursekit.cli ediciones

entorno: env
	$(PY) -m coursekit.cli entorno

clean:
	rm -rf build .pytest_cache
