# Two entry points for a fresh machine: `make demo` (grade the example class end to end)
# and `make test` (the test suite). Both create and fill .venv first.
PY := .venv/bin/python
STAMP := .venv/.installed

.PHONY: demo test venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	python3.11 -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m coursepack.demo

test: $(STAMP)
	$(PY) -m pytest
