r"""
A first fractional derivative
=============================

The half derivative of :math:`\sin(kt)` on a periodic grid, against its exact value
:math:`k^{1/2}\sin(kt + \pi/4)`, and the whole family :math:`D^\alpha \sin t` for
:math:`\alpha` from 0 to 2.
"""

import matplotlib.pyplot as plt
import numpy as np

import fracfft

# %%
# A periodic grid: ``n`` points with spacing ``dx``, so the period is ``n * dx``. The signal
# holds a whole number of periods, which is what a spectral derivative assumes.
n, dx = 128, 2 * np.pi / 128
t = dx * np.arange(n)
k = 3
x = np.sin(k * t)

y = fracfft.derivative(x, 0.5, dx=dx)
exact = k**0.5 * np.sin(k * t + np.pi / 4)
print(f"max |D^0.5 x - exact| = {np.max(np.abs(y - exact)):.1e}")

# %%
# The fractional orders interpolate between the function (:math:`\alpha = 0`), its
# derivative (:math:`\alpha = 1`, :math:`\cos t`) and its second derivative
# (:math:`\alpha = 2`, :math:`-\sin t`): :math:`D^\alpha \sin t = \sin(t + \alpha\pi/2)`.
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
for alpha in np.linspace(0.0, 2.0, 9):
    ax.plot(t, fracfft.derivative(np.sin(t), alpha, dx=dx),
            color=plt.cm.viridis(alpha / 2.2), label=f"{alpha:g}")
ax.set(xlabel="t", xlim=(0, 2 * np.pi), title=r"$D^\alpha \sin t$")
ax.legend(title=r"$\alpha$", ncol=3, fontsize="small")
plt.show()
