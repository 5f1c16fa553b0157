"""The grader's error types, in one leaf module every other part of the core may import.

``Fail`` is a verdict (the property does not hold); the ``NotChecked`` family says the answer
could not be examined at all. Either scores the check 0 with the exception's message, which the
student reads.
"""


class Fail(Exception):
    """The property does not hold; the message says what was tried, expected and returned."""


class NotChecked(Exception):
    """The answer could not be examined (crash, hang, garbage): the check scores 0 with this
    message."""


class StudentCodeError(NotChecked):
    """The student's code raised while the grader called it."""


class ProbeTimeout(NotChecked):
    """The student's code did not answer before the check's deadline."""


class KernelDied(NotChecked):
    """The student's kernel died (``os._exit``, a segfault, the memory cap) during a call."""


class KernelGaveUp(KernelDied):
    """The student's kernel kept dying or hanging after restarts: the grader stopped calling it."""
