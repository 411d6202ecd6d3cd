# orgaccess: every target installs what it needs, so a fresh clone needs only `make demo`
# or `make test`. The Pulumi engine is built once into ~/.cache/orgaccess (see
# scripts/toolchain.sh); state lives in .state/ (gitignored), never in Pulumi Cloud.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PULUMI_BIN := $(shell $(PYTHON) -c 'import os,pathlib;c=pathlib.Path(os.environ.get("XDG_CACHE_HOME",pathlib.Path.home()/".cache"));print(pathlib.Path(os.environ.get("ORGACCESS_CACHE",c/"orgaccess"))/"pulumi"/"3.274.1"/"bin")')
STATE := $(CURDIR)/.state

# Everything that runs pulumi sees the engine first on PATH and the local file backend. No
# passphrase: the demo and the tests set the documented demo one on their own stacks, and a real
# stack without PULUMI_CONFIG_PASSPHRASE gets Pulumi's own prompt or error, never the demo's.
export PATH := $(PULUMI_BIN):$(CURDIR)/$(VENV)/bin:$(PATH)
export PULUMI_SKIP_UPDATE_CHECK := true
export PULUMI_BACKEND_URL ?= file://$(STATE)/backend
export PULUMI_HOME ?= $(STATE)/pulumi-home

.PHONY: help venv toolchain check test lint demo bench bench-full stress clean drift-page

help:
	@echo "make demo       the partner-org 403 found and fixed, on the embedded emulator"
	@echo "make demo-genesys  the same on the emulator's genesys-cloud dialect"
	@echo "make check      the inner loop, under 2 minutes: lint, then the tests that need no engine"
	@echo "make test       every test, the real Pulumi engine included, on both cores"
	@echo "make lint       ruff, mypy, the import contracts of ARCHITECTURE.md, complexity, dead code"
	@echo "make bench      benchmarks at 10 and 100 orgs, engine defaults then tuned"
	@echo "make bench-full adds 300 and 500 orgs, the state's JSON shape, PostgreSQL against the file backend"
	@echo "make drift-page the drift page's screenshot (docs/img) and its size and render time at 500 orgs"
	@echo "make bench-fleet  a fleet of FLEET_ORGS (5000) orgs, both dialects (bench-fleet-seed, bench-fleet-genesys):"
	@echo "                  drift, preview, up, drift after, per split (and the seed's plot);"
	@echo "                  rate limit; page; one CI job per stack on PostgreSQL"
	@echo "make toolchain  build the Pulumi engine into $(PULUMI_BIN)"
	@echo "make clean      remove .venv and .state (the engine cache stays)"

venv: $(VENV)/.installed

# Reinstalled only when the declared or pinned dependencies change.
$(VENV)/.installed: pyproject.toml constraints.txt
	@echo "==> installing Python dependencies into $(VENV)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,genesys]'
	@touch $@

toolchain:
	@scripts/toolchain.sh >/dev/null

# Every test, on PYTEST_WORKERS processes (pytest-xdist): a module runs whole in one of them,
# the engine-heavy ones handed out first (tests/conftest.py). Pytest exits 5 when it selected no
# test, which fails the target like any other failure.
PYTEST_WORKERS ?= 2
test: venv toolchain
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The developer's inner loop: lint, then the tests that start no Pulumi engine and take seconds:
# unit, emulator, policy rules and the review's rendering, the in-process reconciler specs. Left
# to `make test`: `e2e` (the real engine) and `slow` (the emulator's OpenAPI fuzzing, a minute).
# $(wildcard) names only the folders that exist; a selection of no test fails (exit 5). On both
# cores too: 43 s of tests instead of 66 s on the quiet machine.
CHECK_TESTS := $(wildcard tests/unit tests/emulator tests/reconciler tests/policies)
check: lint toolchain
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not e2e and not slow" $(CHECK_TESTS)

# Complexity: every function radon grade B or better (at most 10), the code's average grade A;
# tests are not held to it, a test reads best as one straight script. Dead code: vulture, set up in
# pyproject.toml ([tool.vulture], vulture_whitelist.py).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy orgaccess providers policies bench tests __main__.py
	$(VENV)/bin/lint-imports
	$(VENV)/bin/xenon --max-absolute B --max-modules B --max-average A orgaccess providers policies bench
	$(VENV)/bin/vulture

demo: venv toolchain
	$(PY) -m orgaccess.demo.seed

# The same story on the genesys-cloud dialect: one app client and one admin client per org.
.PHONY: demo-genesys
demo-genesys: venv toolchain
	$(PY) -m orgaccess.demo.genesys

bench: venv toolchain
	$(PY) -m bench.run --orgs 10 100

bench-full: venv toolchain
	$(PY) -m bench.run --orgs 10 100 300 500
	$(PY) -m bench.floor_shape --orgs 500
	$(PY) -m bench.backends --orgs 200

# Every fleet figure in one file (docs/fleet.md), for the seed dialect, then genesys-cloud (an admin
# client per org, from one credentials file): `orgaccess drift`, then `fleet preview`, `up` and
# `drift` after it, as orgaccess sizes the fleet; peak memory per process; the drift page in
# Chromium; a 200-org fleet `up` at 6 requests a minute against its floor (seed only); the fleet as
# one CI job per stack on a throwaway PostgreSQL (Debian's postgresql, scripts/postgres.sh). The
# seed also runs the other splits of the curve that its sizing rests on (and draws it); each
# dialect is a target of its own, and both add to the same results file.
FLEET_ORGS ?= 5000
FLEET_SEED_STACKS ?= auto 4 17 34
FLEET_RESULTS = bench/results/fleet-$(FLEET_ORGS).json
.PHONY: bench-fleet bench-fleet-seed bench-fleet-genesys
bench-fleet: bench-fleet-seed bench-fleet-genesys

bench-fleet-seed: venv toolchain
	$(PY) -m bench.fleet_split --orgs $(FLEET_ORGS) --stacks $(FLEET_SEED_STACKS) --platform seed \
		--page --rate-limit 6 200 --postgres-jobs --results $(FLEET_RESULTS)
	$(PY) -m bench.fleet_plot $(FLEET_RESULTS) --orgs $(FLEET_ORGS) --output docs/img/fleet-split-$(FLEET_ORGS).png

bench-fleet-genesys: venv toolchain
	$(PY) -m bench.fleet_split --orgs $(FLEET_ORGS) --stacks auto --platform genesys-cloud \
		--page --rate-limit 6 200 --postgres-jobs --results $(FLEET_RESULTS)

stress: venv toolchain
	$(PY) -m pytest -m stress --run-stress

# The drift page (`orgaccess drift --format html`): its size and render time at 500 orgs
# (bench/results/drift-page.json) and the README's screenshot (docs/img/drift-page.png), in
# Debian's headless Chromium (scripts/chromium.sh installs it when missing). Only this target
# writes those files; the tests keep their screenshots in their tmp dirs.
drift-page: venv
	$(PY) -m bench.drift_page --orgs 500 --screenshot docs/img/drift-page.png

clean:
	rm -rf $(VENV) $(STATE) .pytest_cache .mypy_cache .ruff_cache

# The review of an access change as markdown for a pull request (docs/review.md); exits 1
# when a mandatory policy blocks it. Optional: STACK, POLICY_CONFIG, REVIEW_OUT (a file).
.PHONY: review
review: venv toolchain
	@mkdir -p -m 0700 $(STATE)
	$(PY) -m orgaccess.reports.review --policy-pack policies $(if $(STACK),--stack $(STACK)) \
		$(if $(POLICY_CONFIG),--policy-pack-config $(POLICY_CONFIG)) $(if $(REVIEW_OUT),--output $(REVIEW_OUT))

# Fleet mode (docs/fleet.md): a drifted fleet split over stacks on a throwaway PostgreSQL backend
# (Debian's postgresql, installed by scripts/postgres.sh if missing), previewed and converged.
.PHONY: demo-fleet
demo-fleet: venv toolchain
	$(PY) -m orgaccess.demo.fleet
