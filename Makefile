# The two commands of the README:  `make run`  and  `make test`.
# Every target sets up what it needs first (venvs, trained model) and skips work already done.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 2>/dev/null || ls -1 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.11*/bin/python3.11 2>/dev/null | tail -1)
ACT := .venvs/actions/bin/python
BOT := .venvs/bot/bin
# Pass extra pytest arguments with e.g.  make test ARGS="-k restart"
ARGS ?=

# `make run` and the tests use the built-in development keys; production sets TRIAGE_ENV=production
# (scripts/stack.py then verifies the README checklist "Running in production").
export TRIAGE_ENV ?= development

.PHONY: help setup run cluster test unit validate lint bench bench-screen bench-semantic train retrain check-python triage-batch triage-eval \
	staff-user

## This list: every target with its one-line description.
help:
	@awk 'BEGIN {FS = ":.*"} /^## / {desc = substr($$0, 4); next} /^[a-z][a-z-]*:/ {if (desc) printf "  %-14s %s\n", $$1, desc; desc = ""} !/^## / && !/^[a-z][a-z-]*:/ {desc = ""}' $(MAKEFILE_LIST)

check-python:
	@if [ -z "$(PY)" ]; then echo "ERROR: Python 3.11 is required to run the setup (and Python 3.10 for the Rasa server). Install python3.11 and python3.10, e.g. with pyenv." >&2; exit 2; fi

## Both venvs, the trained Rasa model and the converted LLM (skips what is done).
setup: check-python
	@$(PY) scripts/setup.py all

## Train the Rasa model if data, config or domain changed.
train: check-python
	@$(PY) scripts/setup.py venvs train

## Train the Rasa model even if nothing changed.
retrain: check-python
	@$(PY) scripts/setup.py venvs retrain

## Run the assistant: Redis (REDIS_URL or embedded), action server, Rasa server, demo page.
run: setup
	@$(ACT) scripts/stack.py run

## Several copies behind nginx: Redis, PostgreSQL, K Rasa + M action servers (K=2 M=2), console.
cluster: setup
	@$(PY) scripts/setup.py cluster-tools
	@$(ACT) scripts/cluster.py run --rasa $(or $(K),2) --actions $(or $(M),2)

## The whole suite: unit, channel, e2e over HTTP, browser, Rasa validate + test stories, lint.
test: setup
	@$(PY) scripts/setup.py browser cluster-tools
	@REQUIRE_LOCAL_LLM=1 $(ACT) -m pytest $(ARGS)

## Quick: only tests that need no running servers.
unit: setup
	@$(PY) scripts/setup.py cluster-tools
	@$(ACT) -m pytest -m "not stack and not browser" $(ARGS)

## rasa data validate --fail-on-warnings on domain, NLU, rules and stories.
validate: setup
	@cd . && PYTHONPATH=. $(BOT)/rasa data validate --fail-on-warnings --config bot/config.yml \
	  --domain bot/domain.yml --data data/nlu data/rules data/stories

## ruff over the whole tree, then mypy ([tool.mypy] in pyproject.toml; also run by make test).
lint: setup
	@.venvs/actions/bin/ruff check .
	@.venvs/actions/bin/python -m mypy

## Load test against a vanilla Rasa 3.6 project; CLUSTER=1: 1x1 vs 2x2 copies behind nginx.
bench: setup
	@$(if $(CLUSTER),$(PY) scripts/setup.py cluster-tools)
	@$(ACT) bench/run_bench.py $(if $(CLUSTER),--cluster) $(ARGS)

## What the screening gate adds to a turn (its action-server round trip, idle and under load).
bench-screen: setup
	@$(ACT) bench/screen_latency.py $(ARGS)

## What sentence embeddings add: semantic findings per screening, semantic FAQ per turn.
bench-semantic: setup
	@$(ACT) bench/semantic_latency.py $(ARGS)

## Pre-screen a CSV (case_id,age,sex,message) with the chat's own pipeline (rules + guarded LLM).
triage-batch: setup
	@if [ -z "$(IN)" ] || [ -z "$(OUT)" ]; then echo "usage: make triage-batch IN=cases.csv OUT=results.csv" >&2; exit 2; fi
	@$(ACT) -m actions.triage.batch "$(IN)" "$(OUT)"

## Metrics on the dev set and the lay set's two halves (rules floor); LLM=1: full pipeline on the dev set.
triage-eval: setup
	@if [ -n "$(LLM)" ]; then $(ACT) -m actions.triage.batch --evaluate tests/triage_eval/dev_cases.csv; \
	 else $(ACT) -m actions.core.triage.evaluate tests/triage_eval/dev_cases.csv $(ARGS) && \
	 for f in lay_cases_dev lay_cases_heldout; do echo "== $$f"; \
	 $(ACT) -m actions.core.triage.evaluate tests/triage_eval/$$f.csv $(ARGS) || exit 1; done; fi

## Staff console account (asks for the password; REDIS_URL must point at the console's Redis).
staff-user: setup
	@if [ -z "$(USER_NAME)" ]; then echo "usage: make staff-user USER_NAME=alice ROLE=agent|supervisor" >&2; exit 2; fi
	@PYTHONPATH=. $(ACT) -m console.accounts add "$(USER_NAME)" --role "$(or $(ROLE),agent)"
