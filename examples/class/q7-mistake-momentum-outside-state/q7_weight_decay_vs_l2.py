# Mistake: the momentum lives in a dict of the optimizer, not in self.state, so state_dict() loses it.
# expect: q7_optimizers_tests=partial
# expect: q7_zero_grad_tests=full
# expect: q7_steps_tests=full
# fails: state_dict_resumes_training_exactly
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
            lr, m, c = group["lr"], group["momentum"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if not hasattr(self, "velocity"):
                    self.velocity = {}
                if p not in self.velocity:
                    self.velocity[p] = torch.zeros_like(p)
                v = self.velocity[p]
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
            lr, m, c = group["lr"], group["momentum"], group["l2"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if not hasattr(self, "velocity"):
                    self.velocity = {}
                if p not in self.velocity:
                    self.velocity[p] = torch.zeros_like(p)
                v = self.velocity[p]
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
