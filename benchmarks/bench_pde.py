"""The spectral PDE loop: fracfft against the hand-written SciPy loop, ratios in one run.

    python benchmarks/bench_pde.py                       # 64^3, 128^3, 256^3 (a few minutes)
    python benchmarks/bench_pde.py --sizes 32,48 --repeats 3   # smoke run
    python benchmarks/bench_pde.py --json pde.json

A code that integrates a space-fractional PDE applies the same operator, with the same order,
thousands of times on one grid. Each case times, on a float64 ``n x n x n`` array with
``workers=2`` on both sides (medians of repeated calls, the two sides interleaved so that the
noise of a shared machine hits both alike):

* ``laplacian loop``: ``fracfft.fractional_laplacian(u, 0.75, workers=2)`` against
  ``irfftn(rfftn(u, workers=2) * L, s=u.shape, workers=2)`` with ``L = |xi|**1.5`` built
  once before the loop (target: ratio <= 1.05);
* ``derivative loop``: ``fracfft.derivative(u, 0.5, axis=-1, workers=2)`` (weyl) against
  ``irfft(rfft(u, axis=-1, workers=2) * K, n, axis=-1, workers=2)`` with ``K = (i xi)**0.5``
  (Nyquist bin its real part) built once (target <= 1.05);
* ``... first call``: a call with an order never seen before (empty symbol cache) against the
  hand-written call that builds its symbol and then transforms (target <= 1.3).

ratio = median fracfft time / median hand-written time (> 1: fracfft slower); paired = median
of the ratios of back-to-back calls (steadier on a loaded machine); cpu = the same in process
CPU time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import _reference as ref
import numpy as np
from scipy.fft import fftfreq, irfft, irfftn, rfft, rfftfreq, rfftn

import fracfft
from fracfft import symbols

SIZES = (64, 128, 256)
S = 0.75  # fractional Laplacian power (symbol |xi|**1.5)
ALPHA = 0.5  # weyl order along one axis
WORKERS = 2


def say(msg=""):
    print(msg, flush=True)


def laplacian_symbol(shape, s):
    """``|xi|**(2s)`` on the rfftn grid, as a user writes it (zero mode 0)."""
    k = [2 * np.pi * fftfreq(n) for n in shape[:-1]] + [2 * np.pi * rfftfreq(shape[-1])]
    grids = np.meshgrid(*k, indexing="ij", sparse=True)
    return sum(g * g for g in grids) ** s


def weyl_symbol(n, alpha):
    """``(i xi)**alpha`` on the rfft grid along the last axis, Nyquist bin its real part."""
    k = (1j * 2 * np.pi * rfftfreq(n)) ** alpha
    if n % 2 == 0:
        k[-1] = k[-1].real
    return k


def _clocks():
    return np.array((time.perf_counter(), time.process_time()))


def interleaved_medians(a, b, repeats):
    """Time ``a`` and ``b`` alternately ``repeats`` times each, neither side always first.

    Returns the median wall time of each, the median of the ratios of back-to-back pairs
    ``a_i / b_i`` (a pair sees the same load of a shared machine, so this ratio is steadier),
    and the same paired ratio in process CPU time (all threads; insensitive to waiting for a
    core, not to sharing memory bandwidth).
    """
    t = ref.interleaved({"a": a, "b": b}, repeats, warmup=0, order="alternate", clock=_clocks)
    ta, ca = zip(*t["a"], strict=True)
    tb, cb = zip(*t["b"], strict=True)
    paired = statistics.median(x / y for x, y in zip(ta, tb))
    cpu_paired = statistics.median(x / max(y, 1e-9) for x, y in zip(ca, cb))
    return statistics.median(ta), statistics.median(tb), paired, cpu_paired


def cases(u):
    """``{name: (fracfft loop call, hand loop call, fracfft first call, hand first call)}``."""
    n = u.shape[-1]
    lap = laplacian_symbol(u.shape, S)
    kw = weyl_symbol(n, ALPHA)
    fresh = iter(np.linspace(0.3, 0.9, 10_000))  # first calls: orders never used before

    def lap_first_hand():
        s = next(fresh)
        return irfftn(rfftn(u, workers=WORKERS) * laplacian_symbol(u.shape, s), s=u.shape,
                      workers=WORKERS)

    def lap_first_ours():
        return fracfft.fractional_laplacian(u, next(fresh), workers=WORKERS)

    def der_first_hand():
        a = next(fresh)
        return irfft(rfft(u, axis=-1, workers=WORKERS) * weyl_symbol(n, a), n, axis=-1,
                     workers=WORKERS)

    def der_first_ours():
        return fracfft.derivative(u, next(fresh), axis=-1, workers=WORKERS)

    return {
        "laplacian": (
            lambda: fracfft.fractional_laplacian(u, S, workers=WORKERS),
            lambda: irfftn(rfftn(u, workers=WORKERS) * lap, s=u.shape, workers=WORKERS),
            lap_first_ours, lap_first_hand),
        "derivative": (
            lambda: fracfft.derivative(u, ALPHA, axis=-1, workers=WORKERS),
            lambda: irfft(rfft(u, axis=-1, workers=WORKERS) * kw, n, axis=-1, workers=WORKERS),
            der_first_ours, der_first_hand),
    }


def check_same_values(u):
    """The two sides compute the same thing (else the ratio means nothing)."""
    for name, (ours, hand, _, _) in cases(u).items():
        a, b = ours(), hand()
        err = np.linalg.norm(a - b) / np.linalg.norm(b)
        if not err < 1e-12:
            raise AssertionError(f"{name}: fracfft and the hand loop differ by {err:.1e}")


def measure(sizes=SIZES, repeats=None, log=say):
    """Return one row per (operator, n): loop and first-call medians and their ratios."""
    rows = []
    rng = np.random.default_rng(0)
    check_same_values(rng.standard_normal((16, 12, 10)))
    for n in sizes:
        u = rng.standard_normal((n, n, n))
        reps = repeats or (15 if n <= 64 else 9 if n <= 128 else 5)
        for name, (ours, hand, ours_first, hand_first) in cases(u).items():
            t0 = time.perf_counter()
            for f in (ours, hand, ours, hand):  # warm-up: FFT plans; the symbol cache admits
                f()
            loop_ours, loop_hand, loop_paired, loop_cpu = interleaved_medians(ours, hand, reps)
            symbols._CACHE.clear()  # first calls: nothing cached
            first_ours, first_hand, first_paired, first_cpu = interleaved_medians(
                ours_first, hand_first, max(3, reps // 2))
            symbols._CACHE.clear()
            row = {"operator": name, "n": n, "shape": [n, n, n], "workers": WORKERS,
                   "repeats": reps, "loop_fracfft_s": loop_ours, "loop_hand_s": loop_hand,
                   "loop_ratio": loop_ours / loop_hand, "loop_paired_ratio": loop_paired,
                   "loop_cpu_ratio": loop_cpu,
                   "first_fracfft_s": first_ours, "first_hand_s": first_hand,
                   "first_ratio": first_ours / first_hand, "first_paired_ratio": first_paired,
                   "first_cpu_ratio": first_cpu}
            rows.append(row)
            log(f"  {name:<10} {n:>4}^3: loop {loop_ours * 1e3:8.1f} ms vs "
                f"{loop_hand * 1e3:8.1f} ms ({row['loop_ratio']:.2f}x, paired "
                f"{loop_paired:.2f}x), first {first_ours * 1e3:8.1f} vs "
                f"{first_hand * 1e3:8.1f} ms ({row['first_ratio']:.2f}x, paired "
                f"{first_paired:.2f}x)  [{time.perf_counter() - t0:.0f} s]")
    return rows


def print_table(rows, log=say):
    log("\nPDE loop (float64, workers=2; ratio = median fracfft / median hand-written scipy, "
        "paired = median of back-to-back ratios, cpu = the same in process CPU time; "
        "> 1: fracfft slower; targets: loop <= 1.05, first call <= 1.3)")
    head = (f"{'operator':<11} {'grid':>6} {'loop fracfft':>13} {'loop hand':>10} {'ratio':>6} "
            f"{'paired':>6} {'cpu':>5} {'first fracfft':>14} {'first hand':>11} {'ratio':>6} "
            f"{'paired':>6} {'cpu':>5}")
    log(head)
    log("-" * len(head))
    for r in rows:
        log(f"{r['operator']:<11} {r['n']:>4}^3 {r['loop_fracfft_s'] * 1e3:>10.1f} ms "
            f"{r['loop_hand_s'] * 1e3:>7.1f} ms {r['loop_ratio']:>6.2f} "
            f"{r['loop_paired_ratio']:>6.2f} {r['loop_cpu_ratio']:>5.2f} "
            f"{r['first_fracfft_s'] * 1e3:>11.1f} ms {r['first_hand_s'] * 1e3:>8.1f} ms "
            f"{r['first_ratio']:>6.2f} {r['first_paired_ratio']:>6.2f} "
            f"{r['first_cpu_ratio']:>5.2f}")


def write_plot(path, rows, dpi=90):
    """Bar chart of the loop and first-call ratios per operator and grid, with the targets."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r['operator']}\n{r['n']}^3" for r in rows]
    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(max(4.0, 1.1 * len(rows) + 1.5), 3.4),
                           constrained_layout=True)
    ax.bar(x - 0.2, [r["loop_ratio"] for r in rows], 0.4, label="in a loop (same order)")
    ax.bar(x + 0.2, [r["first_ratio"] for r in rows], 0.4, label="first call")
    ax.axhline(1.05, color="C0", ls="--", lw=1, label="loop target 1.05")
    ax.axhline(1.3, color="C1", ls="--", lw=1, label="first-call target 1.3")
    ax.set_xticks(x, labels, fontsize="small")
    ax.set(ylabel="fracfft / hand-written scipy",
           title=f"PDE loop, float64, workers={WORKERS} (< 1: fracfft faster)")
    ax.legend(fontsize="x-small", loc="lower right")
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated n of the n^3 grids (default 64,128,256)")
    parser.add_argument("--repeats", type=int, help="timed calls per side (default: by size)")
    parser.add_argument("--json", help="write the rows to this JSON file")
    args = parser.parse_args(argv)
    sizes = tuple(int(v) for v in args.sizes.split(",")) if args.sizes else SIZES
    say(f"fracfft {fracfft.__version__}, numpy {np.__version__}, grids {sizes}")
    rows = measure(sizes, args.repeats)
    print_table(rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows}, f, indent=1)
        say(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
