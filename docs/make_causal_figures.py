"""Generate the figures of docs/causal.rst into docs/figures/ (small PNGs, committed).

    python docs/make_causal_figures.py

* ``causal_caputo.png``: Caputo derivatives of a sampled signal for several orders.
* ``causal_convergence.png``: error against dx for gl, gl2 and caputo on D^a t^2 at t = 1,
  with the orders 1, 2 and 2 - a.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import special  # noqa: E402

import fracfft  # noqa: E402

FIGURES = Path(__file__).resolve().parent / "figures"
DPI = 90


def caputo_signal(path):
    # A relaxation with a slow drift and a little measurement noise (synthetic, seeded).
    n, dx = 500, 0.02
    t = dx * np.arange(n)
    rng = np.random.default_rng(7)
    x = (1 - np.exp(-t / 1.5)) * (1 + 0.3 * np.sin(2.1 * t)) + 2e-4 * rng.standard_normal(n)
    fig, axes = plt.subplots(2, 1, figsize=(7, 4.6), sharex=True, constrained_layout=True)
    axes[0].plot(t, x, "k", lw=0.8)
    axes[0].set(ylabel="x(t)", title="signal (500 samples, full history)")
    for alpha in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = fracfft.derivative(x, alpha, kind="caputo", dx=dx)
        axes[1].plot(t, y, color=plt.cm.viridis(alpha / 1.2), lw=0.9, label=f"{alpha:g}")
    axes[1].set(xlabel="t", ylabel=r"$^C D^\alpha x$", ylim=(-0.9, 1.6),
                title=r"Caputo derivative (L1), $\alpha$ from 0 ($x - x_0$) to 1 ($x'$)")
    axes[1].legend(title=r"$\alpha$", fontsize="x-small", ncol=5, loc="lower left")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def convergence(path):
    ns = 2 ** np.arange(4, 15)
    cases = (("gl", 0.5, 1.0), ("gl2", 0.5, 2.0), ("caputo", 0.5, 1.5), ("caputo", 0.2, 1.8))
    exact = {a: special.gamma(3) / special.gamma(3 - a) for _, a, _ in cases}
    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    for (kind, a, order), marker in zip(cases, "os^v", strict=True):
        errs = []
        for n in ns:
            t = np.linspace(0.0, 1.0, n + 1)
            errs.append(abs(fracfft.derivative(t**2, a, kind=kind, dx=1.0 / n)[-1] - exact[a]))
        dx = 1.0 / ns
        line, = ax.loglog(dx, errs, marker + "-", ms=4, label=f"{kind}, a = {a}")
        ax.loglog(dx, errs[-1] * (dx / dx[-1]) ** order, ":", color=line.get_color(), lw=1,
                  label=f"slope {order:g}")
    ax.set(xlabel="dx", ylabel=r"$|D^a t^2 - \Gamma(3)/\Gamma(3-a)|$ at t = 1",
           title="observed orders: gl 1, gl2 2, caputo 2 - a")
    ax.legend(fontsize="x-small", ncol=2)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def main():
    FIGURES.mkdir(exist_ok=True)
    for name, make in (("causal_caputo.png", caputo_signal),
                       ("causal_convergence.png", convergence)):
        make(FIGURES / name)
        print(f"wrote {FIGURES / name} ({(FIGURES / name).stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
