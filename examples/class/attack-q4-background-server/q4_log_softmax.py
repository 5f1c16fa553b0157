# Attack on the ban: a thread started in an added cell serves requests through a queue planted
# on the torch module; the answer only puts z on the queue and waits. The watch (per thread)
# would see only queue operations. The answer uses `torch._serve`, which is not part of torch,
# and the kernel reports the notebook's thread alive beside the function.
# no-better-than: q4-mistake-no-max-shift
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return torch._serve(z, dim)
# %% extra
import queue
import threading

_requests, _replies = queue.Queue(), queue.Queue()


def _server():
    while True:
        z, dim = _requests.get()
        _replies.put(torch.log_softmax(z, dim))


threading.Thread(target=_server, daemon=True).start()


def _serve(z, dim):
    _requests.put((z, dim))
    return _replies.get()


torch._serve = _serve
