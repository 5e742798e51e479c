# Shakti Hotspots — set-up contract: `make demo` and `make test` do everything from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_STAMP := $(VENV)/.notebooks-installed
DEMO_STORE ?= demo/shakti-store.gpkg
PYTEST_ARGS ?=
LAB_ARGS ?=

.PHONY: demo serve test lint typecheck env notebooks-env lab assets browser postgis lock clean bench messages

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# JupyterLab (the `notebooks` extra) comes from a second lock, requirements-notebooks.lock, pinned
# against requirements.lock: `make lab` and `make test` install it, `make env` does not, so the
# environment that runs the service (`make demo`, `make serve`, a deployment) carries no Jupyter
# server (a web app that runs code) and its ~40 dependencies.
notebooks-env: $(LAB_STAMP)

$(LAB_STAMP): $(STAMP) requirements-notebooks.lock
	$(BIN)/python -m pip install --quiet -c requirements.lock -r requirements-notebooks.lock
	touch $(LAB_STAMP)

# JupyterLab on the notebooks: they build the demo data, or analyse the store SHAKTI_STORE names
# (SHAKTI_STORE=city.gpkg make lab). LAB_ARGS passes options: LAB_ARGS="--no-browser --port 8890".
lab: $(LAB_STAMP)
	$(BIN)/jupyter-lab --ServerApp.root_dir=notebooks $(LAB_ARGS)

# Leaflet, its plugins and the other front-end files the maps need, from the npm registry at
# pinned versions and hashes (git-ignored; idempotent, offline once fetched).
assets: $(STAMP)
	$(BIN)/python -m maps.assets fetch

# Debian's Chromium for the browser tests and PNG export (idempotent; apt-get when missing).
# Where it cannot be installed (no root, no sudo) the browser tests skip, saying why.
browser:
	./scripts/install_browser.sh || echo "make: Chromium not installed: the browser tests will be skipped"

# Debian's PostgreSQL + PostGIS for the PostGIS store tests, which start a throwaway cluster
# on loopback themselves (idempotent; apt-get when missing).
postgis:
	./scripts/install_postgis.sh || echo "make: PostGIS not installed: the PostGIS tests will be skipped"

demo: $(STAMP) assets
	rm -rf $(DEMO_STORE) $(DEMO_STORE).users.sqlite demo/cctv-gaps demo/patrol-lanka demo/patrol-lanka-hi demo/review
	$(BIN)/shakti demo-data --store $(DEMO_STORE)
	$(BIN)/shakti layers --store $(DEMO_STORE)
	$(BIN)/shakti hotspots --store $(DEMO_STORE) --top 5 --out demo/hotspots.geojson
	$(BIN)/shakti hotspots --store $(DEMO_STORE) --underserved --top 5 --out demo/underserved.geojson
	$(BIN)/shakti significance --store $(DEMO_STORE) --out demo/gi_star.geojson
	$(BIN)/shakti significance --store $(DEMO_STORE) --emerging --bin M --out demo/emerging.geojson
	$(BIN)/shakti backtest --store $(DEMO_STORE) --out demo/backtest.csv --plot demo/backtest.png
	$(BIN)/shakti forecast --store $(DEMO_STORE) --out demo/forecast.geojson --hours-out demo/forecast-hours.csv
	$(BIN)/shakti map hotspots --store $(DEMO_STORE) --out demo/hotspots.html
	$(BIN)/shakti map hotspots --store $(DEMO_STORE) --share --out demo/hotspots-shareable.html
	$(BIN)/shakti cctv gaps --store $(DEMO_STORE) --out demo/cctv-gaps
	$(BIN)/shakti cctv place --store $(DEMO_STORE) --k 10 --out demo/cctv-plan.geojson
	$(BIN)/shakti map cctv --store $(DEMO_STORE) --k 10 --out demo/cctv.html
	$(BIN)/shakti patrol plan --store $(DEMO_STORE) --thana Lanka --days 7 --out demo/patrol-lanka
	$(BIN)/shakti patrol issue --store $(DEMO_STORE) $$(cat demo/patrol-lanka/plan-id.txt)
	$(BIN)/shakti patrol list --store $(DEMO_STORE)
	$(BIN)/shakti patrol log demo --store $(DEMO_STORE) --plan $$(cat demo/patrol-lanka/plan-id.txt) --out demo/patrol-lanka/visits-SYNTHETIC.csv
	$(BIN)/shakti patrol dosage --store $(DEMO_STORE) --thana Lanka --out demo/patrol-lanka/dosage.csv
	$(BIN)/shakti patrol effect --store $(DEMO_STORE) --thana Lanka
	$(BIN)/shakti map patrol --store $(DEMO_STORE) --thana Lanka --out demo/patrol-lanka.html
	$(BIN)/shakti hotspots --store $(DEMO_STORE) --top 5 --lang hi --out demo/hotspots-hi.xlsx
	$(BIN)/shakti map hotspots --store $(DEMO_STORE) --lang hi --out demo/hotspots-hi.html
	$(BIN)/shakti patrol plan --store $(DEMO_STORE) --thana Lanka --days 7 --lang hi --out demo/patrol-lanka-hi
	$(BIN)/shakti review --store $(DEMO_STORE) --from 2025-05-01 --to 2026-10-31 --lang both --out demo/review
	$(MAKE) --no-print-directory serve

# The web service on the demo store (demo users printed once; stop with Ctrl-C).
serve: $(STAMP) assets
	$(BIN)/shakti serve --store $(DEMO_STORE) --demo-users

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) $(LAB_STAMP) assets browser postgis lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

# The message catalogues (docs/i18n.md): extract every marked text of geo/ models/ maps/ api/ and the
# page's JavaScript (babel.cfg) into the template, then bring the Hindi catalogue up to date: its
# translations kept, new texts added untranslated (no fuzzy guesses), texts no longer used dropped.
# Sorted by msgid, file-only locations, no wrapping and no creation date: merges stay easy.
LOCALE_DIR := geo/i18n/locale
messages: $(STAMP)
	$(BIN)/pybabel --quiet extract -F babel.cfg -k NP_:1c,2 -k counted:2,3 --add-comments=TRANSLATORS: \
		--sort-output --add-location=file --no-wrap --omit-header \
		--project=shakti-hotspots -o $(LOCALE_DIR)/shakti.pot .
	$(BIN)/pybabel --quiet update -D shakti -i $(LOCALE_DIR)/shakti.pot -d $(LOCALE_DIR) -l hi \
		--init-missing --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --no-wrap

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Re-pin every dependency from a fresh resolution (run after changing pyproject.toml): the main lock
# (the package and its dev extra), then the notebooks extra against it (only what it adds).
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^shakti-hotspots' > requirements.lock
	.venv-lock/bin/python -m pip install --quiet -c requirements.lock -e '.[notebooks]'
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^shakti-hotspots' \
		| grep -vxFf requirements.lock > requirements-notebooks.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) demo .mypy_cache .ruff_cache .pytest_cache
