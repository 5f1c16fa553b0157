# Mistake: AdamL2 adds 2 l2 theta (the gradient of l2 |theta|^2).
# expect: hw1_optimizers_tests=partial
# expect: hw1_zero_grad_tests=full
# fails: adam_l2_follows_adam_on_the_penalized_gradient, adam_l2_is_torch_adam_on_a_small_network
# fails: zero_gradients_give_the_theorems_iterates
# %% hw1_optimizers
def adam_update(p, d, state, group):
    if not state:
        state["step"] = 0
        state["exp_avg"] = torch.zeros_like(p)
        state["exp_avg_sq"] = torch.zeros_like(p)
    beta1, beta2 = group["betas"]
    state["step"] += 1
    state["exp_avg"].mul_(beta1).add_(d, alpha=1 - beta1)
    state["exp_avg_sq"].mul_(beta2).addcmul_(d, d, value=1 - beta2)
    m_hat = state["exp_avg"] / (1 - beta1 ** state["step"])
    v_hat = state["exp_avg_sq"] / (1 - beta2 ** state["step"])
    p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))

class AdamL2(torch.optim.Optimizer):
    def __init__(self, params, lr, betas, eps, l2):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, l2=l2))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    adam_update(p, p.grad + 2 * group["l2"] * p, self.state[p], group)
        return loss


class AdamW(torch.optim.Optimizer):
    def __init__(self, params, lr, betas, eps, weight_decay):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                    adam_update(p, p.grad, self.state[p], group)
        return loss
# %% hw1_zero_grad
theta_adamw_k = (1 - alpha * lam)**k * theta0
theta_adam_l2_1 = theta0 - alpha * lam * theta0 / (lam * sp.Abs(theta0) + eps)
