# Mistake: reads lr, momentum and decay from self.defaults, so parameter groups lose their own settings.
# expect: q7_optimizers_tests=partial
# expect: q7_zero_grad_tests=full
# expect: q7_steps_tests=full
# fails: parameter_groups_keep_their_own_hyperparameters
# %% q7_optimizers
class SGDMomentumWD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum, weight_decay):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, m, c = self.defaults["lr"], self.defaults["momentum"], self.defaults["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "v" not in state:
                    state["v"] = torch.zeros_like(p)
                v = state["v"]
                v.mul_(m).add_(p.grad)
                p.sub_(lr * v + c * p)
        return loss


class SGDMomentumL2(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum, l2):
        super().__init__(params, dict(lr=lr, momentum=momentum, l2=l2))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, m, c = self.defaults["lr"], self.defaults["momentum"], self.defaults["l2"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "v" not in state:
                    state["v"] = torch.zeros_like(p)
                v = state["v"]
                v.mul_(m).add_(p.grad + c * p)
                p.sub_(lr * v)
        return loss
# %% q7_zero_grad
theta_wd_k = (1 - mu)**k * theta0
theta_l2_2 = ((1 - alpha * lam)**2 - alpha * beta * lam) * theta0
# %% q7_steps
theta_l2_1 = (1 - alpha * lam) * theta0
mu_matching = alpha * lam
theta_gap_2 = alpha * beta * lam * theta0
