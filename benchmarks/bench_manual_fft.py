"""Manual (Numba) FFT vs scipy.fft, measured in the same run.

    python benchmarks/bench_manual_fft.py [--quick]

Prints medians and ratios (manual / scipy.fft, lower is better), manual and scipy calls
alternating so that load on a shared machine hits both alike (``_reference.interleaved``).
Targets (issue 14): n = 1024 <= 1.5, 65536 <= 1.3, 1000 <= 2, 65537 <= 2 with workers=1; a
(64, 65536) batch with 2 workers <= 1.5 for c2c and r2c. Then a sweep of sizes (<= 1.5 for
powers of two, <= 2 for the rest), first-call times with a warm and a cold Numba cache (more in
``benchmarks/bench_first_use.py``), and the fused symbol kernel against NumPy's ``spec *= K``.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import _reference as ref  # this folder, first on sys.path; puts this checkout's fracfft first
import numpy as np
import scipy.fft

from fracfft.fft import _manual

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def paired(fm, fs, budget=0.5, min_rep=7, max_rep=300, setup=None):
    """Medians of ``fm`` and ``fs`` timed alternately (same load for both)."""
    med = ref.medians(ref.interleaved({"m": fm, "s": fs}, max_rep, order="fixed",
                                      budget_s=2 * budget, min_rounds=min_rep, setup=setup))
    return med["m"], med["s"]


def row(label, manual, ref, target):
    ratio = manual / ref
    flag = "ok" if ratio <= target else f"MISSED (target <= {target})"
    print(f"{label:>22} {manual * 1e3:11.3f} {ref * 1e3:11.3f} {ratio:7.2f}  {flag}")


def header(title):
    print(f"\n{title}\n{'case':>22} {'manual ms':>11} {'scipy ms':>11} {'ratio':>7}")


FIRST_CALL = """
import time, numpy as np
t = time.perf_counter()
from fracfft.fft import _manual
x = np.random.default_rng(0).standard_normal((4, 256))
X = _manual.r2c(x, None, (1,), "backward", 1)
from fracfft._device import multiply_symbol
multiply_symbol(X, np.array([0.5]), 256, 1.0, 0, 0, True, 1)
_manual.c2r(X, (256,), (1,), "backward", 1)
_manual.c2c(X, None, (1,), True, "backward", 1)
print(time.perf_counter() - t)
"""


def first_call(env):
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    _manual.load()
    budget = 0.2 if args.quick else 1.0

    header("issue 14 targets: complex FFT, one transform, workers=1")
    for n, target in [(1024, 1.5), (65536, 1.3), (1000, 2.0), (65537, 2.0)]:
        x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
        m, s = paired(lambda x=x: _manual.c2c(x, None, (0,), True, "backward", 1),
                      lambda x=x: scipy.fft.fft(x, workers=1), budget)
        row(f"{n}", m, s, target)

    workers = 2
    header(f"issue 14 targets: batched (64, 65536), workers={workers} for both")
    x = rng.standard_normal((64, 65536)) + 1j * rng.standard_normal((64, 65536))
    m, s = paired(lambda: _manual.c2c(x, None, (1,), True, "backward", workers),
                  lambda: scipy.fft.fft(x, workers=workers), 2 * budget)
    row("c2c (64, 65536)", m, s, 1.5)
    r = rng.standard_normal((64, 65536))
    m, s = paired(lambda: _manual.r2c(r, None, (1,), "backward", workers),
                  lambda: scipy.fft.rfft(r, workers=workers), 2 * budget)
    row("r2c (64, 65536)", m, s, 1.5)

    header("sweep: complex FFT, one transform, workers=1")
    exps = (10, 14, 18, 20) if args.quick else range(10, 23)
    for e in exps:
        n = 2**e
        x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
        m, s = paired(lambda x=x: _manual.c2c(x, None, (0,), True, "backward", 1),
                      lambda x=x: scipy.fft.fft(x, workers=1), budget)
        row(f"2^{e}", m, s, 1.5)
    for n, kind in [(1000, "smooth"), (100000, "smooth"), (1009, "prime"), (65537, "prime"),
                    (7 * 9 * 16, "radix 7"), (11 * 4096, "radix 11"),
                    (13 * 17 * 19, "radices 13-19"), (61 * 3 * 64, "radix 61")]:
        x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
        m, s = paired(lambda x=x: _manual.c2c(x, None, (0,), True, "backward", 1),
                      lambda x=x: scipy.fft.fft(x, workers=1), budget)
        row(f"{n} ({kind})", m, s, 2.0)
    for n in (1024, 4096, 65536):
        x = rng.standard_normal(n)
        m, s = paired(lambda x=x: _manual.r2c(x, None, (0,), "backward", 1),
                      lambda x=x: scipy.fft.rfft(x, workers=1), budget)
        row(f"rfft {n}", m, s, 2.0)
        X = scipy.fft.rfft(x)
        m, s = paired(lambda X=X, n=n: _manual.c2r(X, (n,), (0,), "backward", 1),
                      lambda X=X, n=n: scipy.fft.irfft(X, n, workers=1), budget)
        row(f"irfft {n}", m, s, 2.0)

    print("\nfirst call (import + r2c + symbol + c2r + c2c, fresh interpreter)")
    env = dict(os.environ)
    first_call(env)  # make sure the in-tree cache is populated
    warm = first_call(env)
    with tempfile.TemporaryDirectory() as tmp:
        cold = first_call(dict(env, NUMBA_CACHE_DIR=tmp))
    print(f"  warm cache {warm:7.2f} s   cold cache {cold:7.2f} s")

    from fracfft._device import multiply_symbol

    print(f"\nsymbol kernel vs NumPy spec *= K (weyl, alpha=0.7), workers={workers}")
    print(f"{'case':>22} {'kernel ms':>11} {'numpy ms':>11} {'ratio':>7}")
    for rows, n in [(64, 65537), (1, 2**20)]:
        m = n
        spec = rng.standard_normal((rows, m)) + 1j * rng.standard_normal((rows, m))
        alpha = np.array([0.7])

        def numpy_way(spec=spec, n=n):
            xi = 2 * np.pi * np.fft.fftfreq(n, 1.0)
            a = np.abs(xi)
            k = np.zeros(n, complex)
            nz = a > 0
            k[nz] = a[nz] ** 0.7 * np.exp(1j * np.sign(xi[nz]) * np.pi * 0.35)
            if n % 2 == 0:
                k[n // 2] = a[n // 2] ** 0.7 * np.cos(np.pi * 0.35)
            spec *= k

        def kernel_way(spec=spec, n=n, alpha=alpha):
            multiply_symbol(spec, alpha, n, 1.0, 0, 0, False, workers)

        fresh = spec.copy()

        def restore(name, i, spec=spec, fresh=fresh):
            np.copyto(spec, fresh)  # untimed: every call multiplies the same, finite data

        t_k, t_n = paired(kernel_way, numpy_way, budget, setup=restore)
        print(f"{f'({rows}, {n})':>22} {t_k * 1e3:11.3f} {t_n * 1e3:11.3f} {t_k / t_n:7.2f}")


if __name__ == "__main__":
    main()
