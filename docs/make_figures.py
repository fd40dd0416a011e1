"""Generate the documentation figures into docs/figures/ (small PNGs, committed).

    python docs/make_figures.py                  # all figures
    python docs/make_figures.py --results FILE   # benchmark figure from another results.json

* ``dalpha_sin.png``: D^alpha sin t for alpha from 0 to 2 (weyl).
* ``error_vs_n.png``: relative error against analytic values vs N, per available backend.
* ``benchmark.png``: from ``benchmarks/results/results.json`` when it exists
  (``python benchmarks/run.py`` writes it); otherwise left as it is.

The documentation builds without these files (the figures then become a short note).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import fracfft  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIGURES = HERE / "figures"
DPI = 90


def dalpha_sin(path):
    n = 256
    t = 2 * np.pi * np.arange(n) / n
    fig, ax = plt.subplots(figsize=(7, 3.2), constrained_layout=True)
    for alpha in np.linspace(0.0, 2.0, 9):
        y = fracfft.derivative(np.sin(t), alpha, dx=t[1])
        ax.plot(t, y, color=plt.cm.viridis(alpha / 2.2), label=f"{alpha:g}")
    ax.set(xlabel="t", xlim=(0, 2 * np.pi), title=r"$D^\alpha \sin t = \sin(t + \alpha\pi/2)$")
    ax.legend(title=r"$\alpha$", fontsize="x-small", ncol=3, loc="lower left")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def _backends():
    from fracfft.fft._registry import load_backend

    found = []
    for name in ("scipy", "numpy", "manual", "mkl", "fftw"):
        try:
            load_backend(name)
        except Exception as exc:  # noqa: BLE001 - plot what is available
            print(f"  backend {name}: skipped ({type(exc).__name__})")
        else:
            found.append(name)
    return found


def error_vs_n(path):
    from fracfft.__main__ import analytic_case, relative_error

    ns = sorted({2**k for k in range(3, 15)} | {3 * 2**k for k in range(2, 12)}
                | {17, 61, 127, 257, 1021, 4099})
    cases = (("weyl", 0.5), ("riesz", 1.5))
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True, constrained_layout=True)
    markers = iter("os^vDx+")
    for backend in _backends():
        marker = next(markers)
        for ax, (kind, alpha) in zip(axes, cases, strict=True):
            errs = []
            for n in ns:
                x, exact = analytic_case(n, max(1, n // 8), alpha, kind, 0.1)
                y = fracfft.derivative(x, alpha, kind=kind, dx=0.1, backend=backend)
                errs.append(max(relative_error(y, exact), 1e-17))
            ax.loglog(ns, errs, marker, markersize=4, label=backend, alpha=0.7,
                      linestyle="none", markerfacecolor="none")
    eps = np.finfo(np.float64).eps
    for ax, (kind, alpha) in zip(axes, cases, strict=True):
        ax.loglog(ns, [eps * np.sqrt(np.log2(n)) for n in ns], "k:", lw=1,
                  label=r"$\varepsilon\sqrt{\log_2 n}$")
        ax.set(xlabel="n", title=f"{kind}, alpha = {alpha}: sin(2*pi*(n//8)*t/L)")
    axes[0].set_ylabel("max relative error (float64)")
    axes[0].legend(fontsize="x-small")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def benchmark(path, results):
    if not results.is_file():
        print(f"  {results} not found: benchmark figure left as it is "
              "(run python benchmarks/run.py first)")
        return False
    spec = importlib.util.spec_from_file_location("_bench_run", ROOT / "benchmarks" / "run.py")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    data = json.loads(results.read_text())
    run.write_plot(path, data["meta"], data["rows"], dpi=DPI)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default=str(ROOT / "benchmarks" / "results" / "results.json"))
    args = parser.parse_args(argv)
    FIGURES.mkdir(exist_ok=True)
    for name, make in (("dalpha_sin.png", dalpha_sin), ("error_vs_n.png", error_vs_n)):
        make(FIGURES / name)
        print(f"wrote {FIGURES / name} ({(FIGURES / name).stat().st_size // 1024} KiB)")
    if benchmark(FIGURES / "benchmark.png", Path(args.results)):
        size = (FIGURES / "benchmark.png").stat().st_size // 1024
        print(f"wrote {FIGURES / 'benchmark.png'} ({size} KiB)")


if __name__ == "__main__":
    main()
