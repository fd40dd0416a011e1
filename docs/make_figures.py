"""Generate the documentation figures into docs/figures/ (small PNGs, committed).

    python docs/make_figures.py                  # all figures
    python docs/make_figures.py --results FILE   # benchmark figure from another results.json

* ``dalpha_sin.png``: D^alpha sin t for alpha from 0 to 2 (weyl).
* ``accuracy.png``: relative error in norm of ``fracfft.fft.fft`` per installed backend
  against a wider-precision DFT, float64 and float32, with the bound
  ``8*sqrt(log2 n)*eps`` drawn as stated.
* ``benchmark_time.png``, ``benchmark_memory.png``: from
  ``benchmarks/results/results.json`` when it exists (``python benchmarks/run.py`` writes
  it); otherwise left as they are.

The documentation builds without these files (the figures then become a short note).
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import fracfft  # noqa: E402
import fracfft.fft  # noqa: E402
from fracfft.fft import _backends  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIGURES = HERE / "figures"
DPI = 100


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


FONT = {"font.size": 11, "legend.fontsize": 10, "axes.titlesize": 12}


def available_backends():
    """The host backends that work here, in table order (loaded in the table's load order)."""
    found = set()
    for name in _backends.load_order(_backends.HOST):
        try:
            fracfft.fft.fft(np.ones(4), backend=name)
        except ImportError as exc:
            print(f"  backend {name}: skipped ({exc})")
        else:
            found.add(name)
    return [name for name in _backends.HOST if name in found]


def _exact_dft(x):
    """DFT of ``x`` in a wider precision than ``x``: the reference of the accuracy figure.

    float32 input: the float64 transform; float64 input: scipy's long-double transform (80-bit
    on x86, about 1e-19). Both are far below the error they measure.
    """
    import scipy.fft

    wide = np.complex128 if x.dtype == np.complex64 else np.clongdouble
    return scipy.fft.fft(x.astype(wide))


def accuracy(path):
    """Relative error in norm of ``fracfft.fft.fft`` per backend, against the stated bound."""
    rng = np.random.default_rng(0)
    ns = sorted({2**k for k in range(1, 15)} | {3 * 2**k for k in range(1, 12)}
                | {5, 7, 17, 61, 97, 127, 257, 1021, 4099, 10007})
    backends = available_backends()
    markers = dict(zip(_backends.HOST, itertools.cycle("os^vDph"), strict=False))
    with plt.rc_context(FONT):
        fig, axes = plt.subplots(2, 1, figsize=(8, 8.5), layout="constrained")
        for ax, dtype in zip(axes, (np.complex128, np.complex64), strict=True):
            eps = np.finfo(dtype).eps
            for backend in backends:
                errs = []
                for n in ns:
                    x = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dtype)
                    exact = _exact_dft(x)
                    got = fracfft.fft.fft(x, backend=backend)
                    err = np.linalg.norm(got - exact) / np.linalg.norm(exact)
                    errs.append(max(float(err), eps / 100))
                ax.loglog(ns, errs, markers[backend], markersize=5, markerfacecolor="none",
                          label=backend)
            bound = [8 * np.sqrt(np.log2(max(n, 2))) * eps for n in ns]
            ax.loglog(ns, bound, "k-", lw=1.5,
                      label=r"bound $8\sqrt{\log_2 n}\,\varepsilon$")
            ax.axhline(eps, color="gray", ls=":", lw=1)
            ax.text(ns[0], eps * 1.15, r"$\varepsilon$", color="gray")
            name = np.dtype(dtype).name
            ax.set(xlabel="n", ylabel=r"$\|X - X_{\mathrm{exact}}\|_2 / \|X_{\mathrm{exact}}\|_2$",
                   title=f"fracfft.fft.fft, {name} (eps = {eps:.1e})")
            ax.legend(ncol=3, loc="lower right")
        fig.savefig(path, dpi=DPI)
        plt.close(fig)


def _load_results(results):
    if not results.is_file():
        print(f"  {results} not found: benchmark figures left as they are "
              "(run python benchmarks/run.py first)")
        return None
    return json.loads(results.read_text())


def benchmark(folder, results):
    """One figure per question, each a single panel: time against N, then peak memory."""
    data = _load_results(results)
    if data is None:
        return []
    rows = [r for r in data["rows"] if r["threads"] == min(r["threads"] for r in data["rows"])]
    methods = list(dict.fromkeys(r["method"] for r in rows))
    colors = dict(zip(methods, plt.cm.tab10.colors, strict=False))
    written = []
    # Memory below 64 KiB can come from the heap unseen (see benchmarks/run.py): drawn at 64 KiB.
    for name, key, ylabel, floor in (
            ("benchmark_time.png", "fwdbwd_s", "forward + backward time [s]", None),
            ("benchmark_memory.png", "peak_bytes", "peak memory added [MiB] (floor 64 KiB)",
             2.0**16)):
        scale = 1.0 if floor is None else 2.0**-20
        with plt.rc_context(FONT):
            fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
            for m in methods:
                pts = [(r["N"], r[key]) for r in rows
                       if r["method"] == m and r.get(key) is not None]
                if pts:
                    ns, vs = zip(*pts, strict=True)
                    vs = [max(v, floor or 0) * scale for v in vs]
                    style = "-o" if "torch" in m else "--."
                    ax.loglog(ns, vs, style, color=colors[m], label=m)
            meta = data["meta"]
            ax.set(xlabel="N (float64 signal length)", ylabel=ylabel,
                   title=f"batch {meta['batch']}, {rows[0]['threads']} thread, median")
            ax.legend(ncol=2)
            fig.savefig(folder / name, dpi=DPI)
            plt.close(fig)
        written.append(folder / name)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default=str(ROOT / "benchmarks" / "results" / "results.json"))
    args = parser.parse_args(argv)
    FIGURES.mkdir(exist_ok=True)
    written = []
    for name, make in (("dalpha_sin.png", dalpha_sin), ("accuracy.png", accuracy)):
        make(FIGURES / name)
        written.append(FIGURES / name)
    written += benchmark(FIGURES, Path(args.results))
    for path in written:
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
