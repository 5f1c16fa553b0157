"""Time limits for grader-side work that may not terminate quickly (SymPy simplification).

In the main thread a POSIX interval timer interrupts the work; elsewhere (a worker thread of a
batch run) the work runs in a daemon thread that is abandoned when the limit passes.
"""

import signal
import threading


class TimeLimitExceeded(Exception):
    pass


def time_limited(function, seconds: float):
    """``function()``, or ``TimeLimitExceeded`` once ``seconds`` have passed."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _with_timer(function, seconds)
    return _with_thread(function, seconds)


def _with_timer(function, seconds):
    def expire(signum, frame):
        raise TimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _with_thread(function, seconds):
    outcome = {}

    def work():
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed back to the caller below
            outcome["error"] = error

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeLimitExceeded()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
