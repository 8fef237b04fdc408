# Motif: `make run` serves the site on http://127.0.0.1:8000; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install worker-gpu worker-cpu beat messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py prepare_site --url http://$(HOST):$(PORT)
	$(BIN)/uvicorn motif.asgi:application --host $(HOST) --port $(PORT) --lifespan off

test: install
	$(BIN)/python -m pytest

worker-gpu: install
	$(BIN)/celery -A motif worker -Q gpu --pool threads --concurrency $${MOTIF_GPU_CONCURRENCY:-8} --loglevel INFO

worker-cpu: install
	$(BIN)/celery -A motif worker -Q cpu --concurrency 2 --loglevel INFO

beat: install
	$(BIN)/celery -A motif beat --loglevel INFO

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore ".venv/*" --ignore "staticfiles/*"
	$(BIN)/python manage.py makemessages -d djangojs -l zh_Hans --ignore ".venv/*" --ignore "staticfiles/*" --ignore "static/vendor/*"
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf staticfiles .pytest_cache
