# scipy.special.log_softmax on a NumPy copy, converted back: banned.
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
import scipy.special

def log_softmax(z, dim=-1):
    return torch.from_numpy(scipy.special.log_softmax(z.numpy(), axis=dim))
