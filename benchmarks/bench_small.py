"""Per-call cost of the NumPy API at small n against bare scipy.fft (issue 14; target <= 2x).

Reference: ``scipy.fft.irfft(scipy.fft.rfft(x) * K, n)`` with the symbol ``K`` computed once
beforehand, i.e. the two transforms and one multiply and nothing else. fracfft's
``derivative(x, 0.5)`` adds argument validation, backend dispatch and the symbol look-up;
this script reports the ratio, and the time of each piece so that what remains is visible.

Timing: median over rounds of the mean of a tight loop, the variants interleaved in a
shuffled order every round (a shared, noisy machine hits them alike). float64, one thread.

    python benchmarks/bench_small.py [--n 32] [--rounds 15] [--loops 2000]
"""

from __future__ import annotations

import argparse

import _reference as ref
import numpy as np
import scipy.fft

import fracfft
from fracfft import _core


def measure(n: int, rounds: int, loops: int) -> dict[str, float]:
    """Median seconds per call of each variant at length ``n``."""
    x = np.random.default_rng(0).standard_normal(n)
    _, plan = _core.make_plan(x, 0.5, -1, kind="weyl", dx=1.0, method="auto", backend=None,
                              workers=None)
    k = np.array(_core.symbol(plan, "forward"))  # precomputed: not part of the reference
    spec = scipy.fft.rfft(x)
    variants = {
        "bare scipy irfft(rfft(x) * K)": lambda: scipy.fft.irfft(scipy.fft.rfft(x) * k, n),
        "fracfft.derivative(x, 0.5)": lambda: fracfft.derivative(x, 0.5),
        "  scipy.fft.rfft(x) alone": lambda: scipy.fft.rfft(x),
        "  scipy.fft.irfft(X, n) alone": lambda: scipy.fft.irfft(spec, n),
        "  fracfft: validation (make_plan)": lambda: _core.make_plan(
            x, 0.5, -1, kind="weyl", dx=1.0, method="auto", backend=None, workers=None),
        "  fracfft: symbol look-up": lambda: _core.symbol(plan, "forward"),
        "  fracfft: transforms + multiply": lambda: _core.run(plan, x),
    }
    for fn in variants.values():  # warm-up: symbol cache, FFT plans, the direct route
        for _ in range(3):
            fn()
    return ref.medians(ref.interleaved(variants, rounds, warmup=0, loops=loops))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--loops", type=int, default=2000)
    args = parser.parse_args()
    med = measure(args.n, args.rounds, args.loops)
    ref = med["bare scipy irfft(rfft(x) * K)"]
    print(f"n = {args.n}, float64, median of {args.rounds} rounds x {args.loops} calls")
    for name, t in med.items():
        print(f"{name:>36} {t * 1e6:8.2f} us  {t / ref:5.2f}x bare")
    ratio = med["fracfft.derivative(x, 0.5)"] / ref
    verdict = "meets" if ratio <= 2.0 else "MISSES"
    print(f"derivative / bare: {ratio:.2f}x ({verdict} the 2x target)")


if __name__ == "__main__":
    main()
