# Alternative: subclasses of torch's own Adam and AdamW, l2 passed on as weight_decay.
# expect: hw1_optimizers_tests=full
# expect: hw1_zero_grad_tests=full
# %% hw1_optimizers
class AdamL2(torch.optim.Adam):
    def __init__(self, params, lr, betas, eps, l2):
        params = list(params)
        if params and isinstance(params[0], dict):
            params = [{("weight_decay" if key == "l2" else key): value for key, value in group.items()}
                      for group in params]
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=l2)


class AdamW(torch.optim.AdamW):
    def __init__(self, params, lr, betas, eps, weight_decay):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
# %% hw1_zero_grad
theta_adamw_k = (1 - alpha * lam)**k * theta0
theta_adam_l2_1 = theta0 - alpha * lam * theta0 / (lam * sp.Abs(theta0) + eps)
