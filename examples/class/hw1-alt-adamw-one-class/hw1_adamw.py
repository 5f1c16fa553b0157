# Alternative: one base class with a hook for the direction and the decay.
# expect: hw1_optimizers_tests=full
# expect: hw1_zero_grad_tests=full
# %% hw1_optimizers
class _Adam(torch.optim.Optimizer):
    def direction(self, p, group):
        return p.grad

    def decay(self, p, group):
        pass

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in (p for p in group["params"] if p.grad is not None):
                d = self.direction(p, group)
                self.decay(p, group)
                state = self.state[p]
                if not state:
                    state.update(step=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                state["step"] += 1
                state["m"] = beta1 * state["m"] + (1 - beta1) * d
                state["v"] = beta2 * state["v"] + (1 - beta2) * d * d
                m_hat = state["m"] / (1 - beta1 ** state["step"])
                v_hat = state["v"] / (1 - beta2 ** state["step"])
                p.sub_(group["lr"] * m_hat / (torch.sqrt(v_hat) + group["eps"]))
        return loss


class AdamL2(_Adam):
    def __init__(self, params, lr, betas, eps, l2):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, l2=l2))

    def direction(self, p, group):
        return p.grad + group["l2"] * p


class AdamW(_Adam):
    def __init__(self, params, lr, betas, eps, weight_decay):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def decay(self, p, group):
        p.mul_(1 - group["lr"] * group["weight_decay"])
# %% hw1_zero_grad
theta_adamw_k = (1 - alpha * lam)**k * theta0
theta_adam_l2_1 = theta0 - alpha * lam * theta0 / (lam * sp.Abs(theta0) + eps)
