r"""
Learning the order inside an ``nn.Module``
==========================================

A small PyTorch model with a learnable fractional derivative
(:class:`fracfft.torch.FractionalDerivative`) is trained to reproduce
:math:`y = D^{0.7} x` from pairs :math:`(x, y)`. The order starts at 0.3; its gradient is
exact (:math:`\partial_\alpha K_\alpha = K_\alpha \log(i\xi)`), so plain Adam recovers it.
"""

import math

import matplotlib.pyplot as plt
import torch

from fracfft.torch import FractionalDerivative, fractional_derivative

_ = torch.manual_seed(0)  # reproducible data

# %%
# Training data: random smooth periodic signals (a batch of 32 of length 256) and their
# derivatives of the true order 0.7.
n, batch, true_alpha = 256, 32, 0.7
dx = 2 * math.pi / n
t = dx * torch.arange(n, dtype=torch.float64)
modes = torch.arange(1, 9, dtype=torch.float64)
coeff = torch.randn(batch, 8, 2, dtype=torch.float64) / modes[:, None]
x_data = (coeff[..., 0, None] * torch.sin(modes[:, None] * t)
          + coeff[..., 1, None] * torch.cos(modes[:, None] * t)).sum(dim=1)
y_data = fractional_derivative(x_data, true_alpha, dx=dx)


# %%
# The model: a fractional derivative of learnable order (kept in (0, 2)) followed by a
# learnable gain, to show the layer composing with ordinary ``nn`` layers.
class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.deriv = FractionalDerivative(alpha=0.3, learnable=True, alpha_min=0.0,
                                          alpha_max=2.0, dx=dx)
        self.gain = torch.nn.Parameter(torch.tensor(1.0, dtype=torch.float64))

    def forward(self, x):
        return self.gain * self.deriv(x)


model = Model()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
history = []
for _ in range(150):
    opt.zero_grad()
    loss = (model(x_data) - y_data).pow(2).mean()
    loss.backward()
    opt.step()
    history.append((loss.item(), model.deriv.alpha.item()))

alpha = model.deriv.alpha.item()
print(f"learned alpha = {alpha:.4f} (true {true_alpha}), gain = {model.gain.item():.4f}")

# %%
# The loss falls and the order converges to the true 0.7.
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
ax1.semilogy([h[0] for h in history])
ax1.set(xlabel="step", ylabel="mean squared error")
ax2.plot([h[1] for h in history])
ax2.axhline(true_alpha, color="k", ls=":", label="true order")
ax2.set(xlabel="step", ylabel=r"$\alpha$")
ax2.legend()
plt.show()
