# Two entry points for a fresh machine: `make demo` (grade the example class end to end)
# and `make test` (the test suite). Both install what they need first: Debian's bubblewrap
# for the sandbox (and Chromium for the browser tests), then the Python packages into .venv.
PY := .venv/bin/python
STAMP := .venv/.installed

.PHONY: demo test venv sandbox browser

venv: $(STAMP)

$(STAMP): pyproject.toml
	python3.11 -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	.venv/bin/python -m coursepack.proof_grading.install
	touch $(STAMP)

sandbox:
	bash .ci/setup-sandbox.sh

browser:
	bash .ci/setup-browser.sh

demo: $(STAMP) sandbox
	$(PY) -m coursepack.demo

# Two workers, one test file each at a time (module fixtures such as a graded course run once).
test: $(STAMP) sandbox browser
	$(PY) -m pytest -n 2 --dist loadfile
