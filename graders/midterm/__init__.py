"""The midterm: one grader module per notebook of ``source/midterm/``, its own probes in
``probes/``."""
