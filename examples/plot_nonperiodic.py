r"""
Non-periodic data: wrap-around and Gibbs
========================================

A spectral derivative treats the samples as **one period** of a periodic signal. When the
data is not periodic, the periodic extension jumps from the last sample back to the first, and
the derivative of that jump spreads over the result: Gibbs oscillations at the edges for an
integer order, and an error everywhere for a fractional one (the operator is non-local).
"""

import math

import matplotlib.pyplot as plt
import numpy as np

import fracfft

# %%
# :math:`x(t) = t^2` sampled on :math:`[0, 1)`: smooth, but not periodic (it jumps from 1
# back to 0).
n = 256
dx = 1.0 / n
t = dx * np.arange(n)
x = t**2

# %%
# First derivative. Exact: :math:`2t`. The spectral result oscillates around the wrong
# value near both ends. Mirroring the data (an even extension of length :math:`2n`) removes
# the jump: the extension is continuous, and what remains is a much smaller error at the
# kink.
d1 = fracfft.derivative(x, 1.0, dx=dx)
mirror = np.concatenate([x, x[::-1]])
d1_mirror = fracfft.derivative(mirror, 1.0, dx=dx)[:n]
print(f"alpha = 1: max error {np.max(np.abs(d1 - 2 * t)):.2f} as is, "
      f"{np.max(np.abs(d1_mirror - 2 * t)[n // 8:-n // 8]):.3f} mirrored (interior)")

# %%
# Half derivative. For data that starts at :math:`t = 0` the usual meaning is the
# Riemann–Liouville / Caputo derivative from 0, here :math:`\Gamma(3)/\Gamma(2.5)\,t^{1.5}`.
# The periodic (weyl) derivative is a different operator: it sees the whole periodic
# extension, including the past "before" 0, and its result differs everywhere, not only at
# the edges. Mirroring does not help here.
d05 = fracfft.derivative(x, 0.5, dx=dx)
d05_mirror = fracfft.derivative(mirror, 0.5, dx=dx)[:n]
exact05 = math.gamma(3) / math.gamma(2.5) * t**1.5

fig, axes = plt.subplots(2, 1, figsize=(7, 7), layout="constrained")
axes[0].plot(t, 2 * t, "k", lw=3, alpha=0.35, label="exact $2t$")
axes[0].plot(t, d1, label="spectral, as is")
axes[0].plot(t, d1_mirror, "--", label="spectral, mirrored")
axes[0].set(title=r"$\alpha = 1$: Gibbs oscillations at the jump", xlabel="t",
            ylim=(-10, 12))
axes[0].legend(loc="upper center")
axes[1].plot(t, exact05, "k", lw=3, alpha=0.35,
             label=r"Caputo from 0: $\Gamma(3)/\Gamma(2.5)\,t^{1.5}$")
axes[1].plot(t, d05, label="spectral (weyl), as is")
axes[1].plot(t, d05_mirror, "--", label="spectral (weyl), mirrored")
axes[1].set(title=r"$\alpha = 0.5$: a different operator, wrong everywhere", xlabel="t",
            ylim=(-4, 6))
axes[1].legend(loc="upper left")
plt.show()
