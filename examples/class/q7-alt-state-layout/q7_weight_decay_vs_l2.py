# Correct, another state layout: the buffer holds u = alpha*v (u <- alpha*g + beta*u) plus a step
# counter; algebraically equal, different rounding.
# expect: q7_optimizers_tests=full
# expect: q7_zero_grad_tests=full
# expect: q7_steps_tests=full
# %% q7_optimizers
class SGDMomentumWD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum, weight_decay):
        super().__init__(params, {'lr': lr, 'momentum': momentum, 'weight_decay': weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["scaled_velocity"] = torch.zeros_like(p)  # u = alpha * v
                state["step"] += 1
                u = state["scaled_velocity"]
                u.mul_(group['momentum']).add_(p.grad, alpha=group['lr'])
                p.mul_(1 - group['weight_decay']).sub_(u)
        return loss


class SGDMomentumL2(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum, l2):
        super().__init__(params, {'lr': lr, 'momentum': momentum, 'l2': l2})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["scaled_velocity"] = torch.zeros_like(p)  # u = alpha * v
                state["step"] += 1
                u = state["scaled_velocity"]
                u.mul_(group['momentum']).add_(group['lr'] * (p.grad + group['l2'] * p))
                p.sub_(u)
        return loss
# %% q7_zero_grad
theta_wd_k = theta0 * sp.exp(k * sp.log(1 - mu))
theta_l2_2 = (1 - alpha * lam) * theta0 - alpha * lam * (1 + beta - alpha * lam) * theta0
# %% q7_steps
theta_l2_1 = (1 - alpha * lam) * theta0
mu_matching = alpha * lam
theta_gap_2 = alpha * beta * lam * theta0
