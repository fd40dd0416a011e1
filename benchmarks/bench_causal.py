"""Causal kinds (gl, gl2, caputo) against the alternatives, as ratios measured in one run.

    python benchmarks/bench_causal.py              # all rows (about 2 minutes on 2 cores)
    python benchmarks/bench_causal.py --quick      # smaller N (smoke run)
    python benchmarks/bench_causal.py --million    # also fracdiff at N = 10**6 (one run: long)

Every time is a median of repeats (``_reference.time_call``) unless the row says "1 run";
"ratio" is the other method's time over fracfft's (> 1: fracfft is faster), except where the
row says fracfft / other. Rows:

1. the dense O(N^2) causal sum in NumPy (``numpy.convolve(x, w)[:N]``, a direct sum);
2. the torch Grünwald–Letnikov-by-matrix autograd baseline (``_reference.gl_derivative``),
   forward + backward with x and alpha gradients, against ``fracfft.torch`` with kind="gl";
3. ``fracdiff.fdiff(x, d, window=N)`` (full history, ``numpy.convolve``; package
   ``fracdiff-modern``), with the largest difference of the results; at N = 10**6 fracfft is
   timed and fracdiff predicted from its N = 10**5 time by the N^2 law, or timed once with
   ``--million``;
4. ``scipy.signal.fftconvolve(x, w)[:, :N]`` with the weights prebuilt, on a (64, 65536) batch;
5. our own periodic derivative (weyl) at the same size, per backend (rows 4 and 5 are timed
   in turn, call after call, so a busy machine slows every method alike);
6. peak memory of one torch forward + backward on (64, 65536) float64, over the input size.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _reference as ref  # noqa: E402 - pins malloc before numpy/torch allocate

PINNED = ref.pin_mmap_threshold()

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import fracfft  # noqa: E402
from fracfft.fft._backends import BY_NAME, HOST, load_order  # noqa: E402

ALPHA = 0.6
# The backends with scipy.fft's interface (scipy, then pyFFTW before mkl_fft: load order).
SCIPY_LIKE = tuple(b for b in load_order(HOST) if BY_NAME[b].module == "fracfft.fft._scipy")


def say(msg=""):
    print(msg, flush=True)


def fmt(s):
    return f"{s * 1e3:9.2f} ms" if s < 1 else f"{s:9.2f} s "


def median(fn, budget=1.0, repeats=20):
    return ref.time_call(fn, budget_s=budget, max_repeats=repeats)[0]


def dense_numpy(n, budget):
    x = np.random.default_rng(0).standard_normal(n)
    w = fracfft.weights(n, ALPHA)
    ours = median(lambda: fracfft.derivative(x, ALPHA, kind="gl"), budget)
    dense = median(lambda: np.convolve(x, w)[:n], budget, repeats=5)
    err = np.abs(fracfft.derivative(x, ALPHA, kind="gl") - np.convolve(x, w)[:n]).max()
    say(f"[1] dense O(N^2) numpy sum, N={n}: dense {fmt(dense)}  fracfft {fmt(ours)}  "
        f"ratio {dense / ours:8.1f}x  (max diff {err:.1e})")


def torch_baseline(n, budget):
    try:
        import torch

        from fracfft.torch import fractional_derivative
    except ImportError as exc:
        say(f"[2] torch rows skipped: {exc}")
        return
    need = ref.gl_bytes(n)
    if need > 0.6 * ref.available_memory():
        say(f"[2] torch GL-by-matrix at N={n} needs ~{need / 2**30:.1f} GiB: skipped")
        return
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, n, dtype=torch.float64, generator=gen, requires_grad=True)
    g = torch.randn(1, n, dtype=torch.float64, generator=gen)
    a = torch.tensor(ALPHA, dtype=torch.float64, requires_grad=True)

    def step(op):
        def run():
            x.grad = a.grad = None
            (op(x, a) * g).sum().backward()
        return run

    ours = median(step(lambda x, a: fractional_derivative(x, a, kind="gl")), budget)
    start = time.perf_counter()
    step(lambda x, a: ref.gl_derivative(torch, x, a))()
    dense = time.perf_counter() - start  # 1 run: seconds and gigabytes at this size
    with torch.no_grad():
        diff = (fractional_derivative(x, a, kind="gl") - ref.gl_derivative(torch, x, a)).abs()
    say(f"[2] torch GL-by-matrix autograd fwd+bwd (x and alpha grads), N={n}, 1 thread: "
        f"dense {fmt(dense)} (1 run)  fracfft {fmt(ours)}  ratio {dense / ours:8.1f}x  "
        f"(max diff {float(diff.max()):.1e})")


def versus_fracdiff(n, budget, single=False):
    try:
        import fracdiff
    except ImportError:
        say("[3] fracdiff not installed (pip install fracdiff-modern scikit-learn): skipped")
        return
    x = np.random.default_rng(1).standard_normal(n)
    d = 0.4
    start = time.perf_counter()
    ours_cold = fracfft.derivative(x, d, kind="gl")  # weights + spectrum built here
    cold = time.perf_counter() - start
    ours = median(lambda: fracfft.derivative(x, d, kind="gl"), budget)
    start = time.perf_counter()
    theirs = fracdiff.fdiff(x, d, window=n)
    t_fd = time.perf_counter() - start
    if not single:
        t_fd = min(t_fd, median(lambda: fracdiff.fdiff(x, d, window=n), budget, repeats=3))
    err = np.abs(ours_cold - theirs).max() / np.abs(theirs).max()
    say(f"[3] fracdiff.fdiff(x, {d}, window=N), N={n}: fracdiff {fmt(t_fd)}"
        f"{' (1 run)' if single else ''}  fracfft {fmt(ours)} (first call {fmt(cold).strip()})"
        f"  ratio {t_fd / ours:8.1f}x (first call {t_fd / cold:.1f}x)  "
        f"max rel diff {err:.1e}")
    return t_fd


def million_predicted(n_small, t_small, budget):
    n = 1_000_000
    x = np.random.default_rng(1).standard_normal(n)
    start = time.perf_counter()
    fracfft.derivative(x, 0.4, kind="gl")
    cold = time.perf_counter() - start
    ours = median(lambda: fracfft.derivative(x, 0.4, kind="gl"), budget, repeats=5)
    predicted = t_small * (n / n_small) ** 2
    say(f"[3] N={n}: fracfft {fmt(ours)} (first call {fmt(cold).strip()}); fracdiff predicted "
        f"{predicted / 60:.0f} min from N={n_small} by the N^2 law (run --million to time it)"
        f"  ratio ~{predicted / ours:.0f}x")


def batch_rows(shape, repeats):
    from scipy.signal import fftconvolve

    from fracfft.fft._registry import load_backend

    x = np.random.default_rng(2).standard_normal(shape)
    n = shape[-1]
    w = fracfft.weights(n, ALPHA)[None, :]
    fns = {"fftconvolve": lambda: fftconvolve(x, w, axes=-1)[:, :n]}
    for b in SCIPY_LIKE:
        try:
            load_backend(b)
        except ImportError:
            continue
        fns[f"gl/{b}"] = lambda b=b: fracfft.derivative(x, ALPHA, kind="gl", backend=b)
        fns[f"weyl/{b}"] = lambda b=b: fracfft.derivative(x, ALPHA, backend=b)
    # Timed in turn (warm-up round: plans, weights, spectra), so a busy machine slows all alike.
    t = ref.medians(ref.interleaved(fns, repeats, order="fixed"))
    err = np.abs(fracfft.derivative(x, ALPHA, kind="gl") - fftconvolve(x, w, axes=-1)[:, :n])
    say(f"[4] scipy.signal.fftconvolve(x, w)[:, :N], weights prebuilt, {shape}: "
        f"fftconvolve {fmt(t['fftconvolve'])}  fracfft (scipy) {fmt(t['gl/scipy'])}  "
        f"fracfft/fftconvolve {t['gl/scipy'] / t['fftconvolve']:5.2f}  "
        f"(max diff {err.max():.1e})")
    for b in SCIPY_LIKE:
        if f"gl/{b}" in t:
            say(f"[5] periodic weyl vs gl, {shape}, backend {b}: weyl {fmt(t[f'weyl/{b}'])}  "
                f"gl {fmt(t[f'gl/{b}'])}  gl/weyl {t[f'gl/{b}'] / t[f'weyl/{b}']:5.2f}")


def torch_memory(shape):
    try:
        import torch

        from fracfft.torch import fractional_derivative
    except ImportError as exc:
        say(f"[6] torch memory skipped: {exc}")
        return
    if not (PINNED and ref.can_measure_memory()):
        say("[6] peak memory cannot be measured on this system: skipped")
        return
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(*shape, dtype=torch.float64, generator=gen, requires_grad=True)
    g = torch.randn(*shape, dtype=torch.float64, generator=gen)
    a = torch.tensor(ALPHA, dtype=torch.float64, requires_grad=True)

    def step():
        x.grad = a.grad = None
        (fractional_derivative(x, a, kind="gl") * g).sum().backward()

    step()  # warm: weights, plans
    step()
    peak = ref.peak_rss(step)
    nbytes = x.numel() * 8
    dense = shape[-1] ** 2 * 8
    say(f"[6] peak memory torch fwd+bwd (x and alpha grads), {tuple(shape)} float64: "
        f"{peak / 2**20:.0f} MiB = {peak / nbytes:.2f}x the input ({nbytes / 2**20:.0f} MiB); "
        f"the dense matrix alone would need {dense / 2**30:.0f} GiB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--million", action="store_true", help="also fracdiff at N = 10**6")
    args = parser.parse_args(argv)
    budget = 0.2 if args.quick else 1.0
    n_dense = 2048 if args.quick else 16384
    shape = (8, 4096) if args.quick else (64, 65536)
    say(f"fracfft {fracfft.__version__}, alpha = {ALPHA}, float64, backend "
        f"{fracfft.get_fft_backend()!r}; medians of repeats")
    dense_numpy(n_dense, budget)
    torch_baseline(n_dense, budget)
    n_fd = 10_000 if args.quick else 100_000
    t_fd = versus_fracdiff(n_fd, budget, single=not args.quick)
    if args.million:
        versus_fracdiff(1_000_000, budget, single=True)
    elif t_fd is not None:
        million_predicted(n_fd, t_fd, budget)
    batch_rows(shape, 3 if args.quick else 7)
    torch_memory(shape)
    return 0


if __name__ == "__main__":
    sys.exit(main())
