# Mistake in the formulas only (the optimizers are right): the learning rate in the weight decay
# iterate, and the momentum term missing from theta^2 of l2. The steps are right, so they do not
# fit these formulas.
# expect: q7_optimizers_tests=full
# expect: q7_zero_grad_tests=zero
# expect: q7_steps_tests=partial
# fails: weight_decay_iterates_are_geometric, l2_second_iterate, your_formulas_prove_the_theorem
# fails: your_mu_matching_makes_your_first_iterates_agree
# fails: your_theta_gap_2_is_the_difference_of_your_second_iterates
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
            lr, m, c = group["lr"], group["momentum"], group["l2"]
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
theta_wd_k = (1 - alpha * mu)**k * theta0
theta_l2_2 = (1 - alpha * lam)**2 * theta0
# %% q7_steps
theta_l2_1 = (1 - alpha * lam) * theta0
mu_matching = alpha * lam
theta_gap_2 = alpha * beta * lam * theta0
