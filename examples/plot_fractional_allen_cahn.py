r"""
Fractional Allen–Cahn in 2-D
============================

Exponential time differencing built on :func:`fracfft.symbol`. The fractional Allen–Cahn
equation on a periodic square,

.. math:: u_t = -\varepsilon^2(-\Delta)^s u + u - u^3,

separates a random initial field into the two phases :math:`u = \pm 1`; the power :math:`s`
of the Laplacian sets how the interfaces between them move (:math:`s = 1` is the classical
equation; smaller :math:`s` gives thinner interfaces and slower, more irregular coarsening).

The time step is first-order exponential time differencing (ETD1) with a stabilising
constant :math:`\kappa` (Du, Ju, Li, Qiao, SIAM Review 2021): with
:math:`\mathcal L = -\varepsilon^2(-\Delta)^s - \kappa` and :math:`N(u) = \kappa u + u - u^3`,

.. math:: \hat u^{n+1} = e^{\Delta t\,\lambda}\,\hat u^n
          + \Delta t\,\varphi_1(\Delta t\,\lambda)\,\widehat{N(u^n)},\qquad
          \varphi_1(z) = \frac{e^z - 1}{z},

where :math:`\lambda(\xi) = -\varepsilon^2|\xi|^{2s} - \kappa` is the symbol of
:math:`\mathcal L`. The symbol :math:`|\xi|^{2s}` comes from :func:`fracfft.symbol` on the
half (``rfftn``) grid -- the same array :func:`fracfft.fractional_laplacian` multiplies by --
so the linear part is exact: without the reaction term one step is
:math:`e^{-\varepsilon^2\Delta t|\xi|^{2s}}`, the exact solution of fractional diffusion.
The free energy

.. math:: E(u) = \sum_j h^2\Bigl[\tfrac{\varepsilon^2}{2}\,u_j\,((-\Delta)^s u)_j
          + \tfrac14 (u_j^2 - 1)^2\Bigr]

is computed with :func:`fracfft.fractional_laplacian` and decreases along the run.

Run ``python plot_fractional_allen_cahn.py [figure.png]``: it shows the figure, or saves it
when given a file name. With the environment variable ``FRACFFT_EXAMPLE_SMALL=1`` (as the test
suite runs it) it takes a small grid and a few steps and draws nothing unless given a file.
"""

from __future__ import annotations

import os
import sys

import numpy as np
from scipy.fft import irfftn, rfftn

import fracfft

SMALL = os.environ.get("FRACFFT_EXAMPLE_SMALL", "") not in ("", "0")
LENGTH = 2 * np.pi  # side of the periodic square
EPS = 0.08  # interface parameter epsilon
KAPPA = 2.0  # stabilisation: >= max |f'(u)| - 1 on [-1, 1] for f(u) = u - u**3


def phi1(z):
    """``(exp(z) - 1) / z``, with its limit 1 at ``z = 0``, accurate for small ``|z|``."""
    z = np.asarray(z, dtype=np.float64)
    out = np.ones_like(z)
    nz = z != 0
    out[nz] = np.expm1(z[nz]) / z[nz]
    return out


def etd1_stepper(shape, s, dt, *, eps=EPS, kappa=KAPPA, length=LENGTH, reaction=True,
                 workers=None):
    """Return ``step(u)``: one ETD1 step of fractional Allen–Cahn on a periodic grid.

    Parameters
    ----------
    shape : tuple of int
        Grid, ``(ny, nx)``, on a ``length x length`` square.
    s : float
        Power of the Laplacian, ``0 < s <= 1``.
    dt : float
        Time step.
    eps, kappa, length : float
        Interface parameter, stabilisation constant, side of the square.
    reaction : bool
        False drops the reaction term and ``kappa``: the step is then the exact solution
        operator of fractional diffusion ``u_t = -eps**2 (-Laplacian)**s u``.
    workers : int, optional
        Threads for the transforms.
    """
    dxs = tuple(length / n for n in shape)
    # |xi|**(2s) on the rfftn grid: -(riesz symbol of order 2s), as fracfft.symbol documents.
    lap = -fracfft.symbol(shape, 2 * s, dx=dxs, kind="riesz", real=True)
    lam = -eps**2 * lap - (kappa if reaction else 0.0)
    decay = np.exp(dt * lam)
    gain = dt * phi1(dt * lam)

    def step(u):
        spec = rfftn(u, workers=workers)
        spec *= decay
        if reaction:
            spec += gain * rfftn((1.0 + kappa) * u - u**3, workers=workers)
        return irfftn(spec, s=shape, workers=workers)

    return step


def free_energy(u, s, *, eps=EPS, length=LENGTH):
    """Discrete free energy ``sum h^2 [eps^2/2 u (-Laplacian)^s u + (u^2 - 1)^2 / 4]``."""
    dxs = tuple(length / n for n in u.shape)
    lap_u = fracfft.fractional_laplacian(u, s, dx=dxs)
    return float(np.prod(dxs) * np.sum(0.5 * eps**2 * u * lap_u + 0.25 * (u * u - 1) ** 2))


def simulate(s, n=None, t_end=None, dt=0.05, seed=1, record=10):
    """Run from a small random field; return the final field and ``(times, energies)``."""
    n = n or (32 if SMALL else 256)
    t_end = t_end or (1.0 if SMALL else 12.0)
    rng = np.random.default_rng(seed)
    u = 0.2 * rng.uniform(-1, 1, (n, n))
    step = etd1_stepper(u.shape, s, dt)
    steps = int(round(t_end / dt))
    times, energies = [0.0], [free_energy(u, s)]
    for i in range(1, steps + 1):
        u = step(u)
        if i % record == 0 or i == steps:
            times.append(i * dt)
            energies.append(free_energy(u, s))
    return u, (np.array(times), np.array(energies))


def run(powers=(0.7, 1.0), **kwargs):
    """Simulate each power ``s``; print and check the energies; return ``[(s, u, t, E)]``."""
    results = []
    for s in powers:
        u, (t, e) = simulate(s, **kwargs)
        print(f"s = {s}: E {e[0]:.4f} -> {e[-1]:.4f} at t = {t[-1]:g}, "
              f"max |u| = {np.abs(u).max():.3f}")
        if np.any(np.diff(e) > 1e-12 * abs(e[0])):
            raise RuntimeError("the free energy increased")
        results.append((s, u, t, e))
    return results


def plot(results, path=None):
    """Draw the final fields and the energy curves of :func:`run`; save to ``path`` if given."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results) + 1, figsize=(3.2 * (len(results) + 1), 3.1),
                             constrained_layout=True)
    for ax, (s, u, t, e) in zip(axes, results):
        ax.imshow(u, cmap="RdBu_r", vmin=-1, vmax=1, origin="lower", interpolation="bilinear",
                  extent=(0, LENGTH, 0, LENGTH))
        ax.set(title=f"s = {s:g}, t = {t[-1]:g}", xticks=[], yticks=[])
        axes[-1].plot(t, e, label=f"s = {s:g}")
    axes[-1].set(xlabel="t", ylabel="free energy E(u)", title="energy decay")
    axes[-1].legend(fontsize="small")
    if path:
        fig.savefig(path, dpi=72)
        plt.close(fig)
    return fig


def main(argv):
    """Run both powers; draw the figure into ``argv[1]``, or on screen unless run small."""
    results = run()
    if len(argv) > 1:
        plot(results, argv[1])
        print(f"wrote {argv[1]}")
    elif not SMALL:
        import matplotlib.pyplot as plt

        plot(results)
        plt.show()


if __name__ == "__main__":
    main(sys.argv)
