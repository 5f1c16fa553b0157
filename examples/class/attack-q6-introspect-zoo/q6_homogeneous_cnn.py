# Attack (issue 12, class 8): the checker never evaluates f. It looks for the function the
# grader built (closures, __wrapped__/__self__/__dict__, code constants and globals, the garbage
# collector, the calling frames) and reads the answer off its layers: biases, smooth
# activations, a batchnorm's running mean. Found nothing, it answers True, as its baseline does.
# The grader evaluates the zoo in its own process, so there is nothing to find.
# no-better-than: attack-baseline-q6-always-true
# expect: q6_checker_tests=zero
# %% q6_checker
import gc as _gc
import inspect as _inspect
import types as _types

_NOT_HOMOGENEOUS = (nn.Sigmoid, nn.GELU, nn.Softplus, nn.Tanh)


def _modules_reachable_from(root, limit=4000):
    """Every nn.Module reachable from ``root`` through closures, attributes, containers, code
    constants and globals (breadth first, bounded)."""
    found, seen, queue = [], set(), [root]
    while queue and len(seen) < limit:
        obj = queue.pop(0)
        if id(obj) in seen or isinstance(obj, (str, bytes, int, float, torch.Tensor, _types.ModuleType, type)):
            continue
        seen.add(id(obj))
        if isinstance(obj, nn.Module):
            found.append(obj)
            queue.extend(obj.modules())
        for name in ("__closure__", "__wrapped__", "__self__", "__func__", "__dict__", "__defaults__"):
            try:
                queue.append(getattr(obj, name))
            except Exception:
                pass
        if isinstance(obj, _types.CellType):
            try:
                queue.append(obj.cell_contents)
            except ValueError:  # an empty cell
                pass
        if isinstance(obj, _types.FunctionType):
            queue.extend(obj.__code__.co_consts)
            queue.extend(obj.__globals__.get(n) for n in obj.__code__.co_names)
        if isinstance(obj, dict):
            queue.extend(obj.values())
        elif isinstance(obj, (list, tuple, set)):
            queue.extend(obj)
    return found


def _verdict_from_layers(modules):
    layers = [m for root in modules for m in root.modules()]
    if not any(isinstance(m, (nn.Conv2d, nn.Linear)) for m in layers):
        return None  # nothing telling was found
    for m in layers:
        if isinstance(m, _NOT_HOMOGENEOUS):
            return False
        if isinstance(getattr(m, "bias", None), torch.Tensor) and m.bias.abs().sum() > 0:
            return False
        if isinstance(m, nn.BatchNorm2d) and m.running_mean.abs().sum() > 0:
            return False
    return True


def is_positive_homogeneous(f, x):
    suspects = _modules_reachable_from(f)
    for frame in _inspect.stack()[1:]:
        suspects += _modules_reachable_from(frame.frame.f_locals)
    for referrer in _gc.get_referrers(f):
        suspects += _modules_reachable_from(referrer)
    recent = [o for o in _gc.get_objects() if isinstance(o, nn.Sequential)]
    verdict = _verdict_from_layers([m for m in suspects if m is not f] + recent[-1:])
    return True if verdict is None else verdict
