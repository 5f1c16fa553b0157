# Attack on the ban: the built-in called in a worker thread, which the in-process watch (its
# hooks and torch modes are per thread) does not see. Judged from the source (threading is not
# an allowed import) and, in the kernel, the thread's start is seen.
# no-better-than: q4-mistake-no-max-shift
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
import threading


def log_softmax(z, dim=-1):
    result = {}
    worker = threading.Thread(target=lambda: result.update(out=torch.log_softmax(z, dim)))
    worker.start()
    worker.join()
    return result["out"]
