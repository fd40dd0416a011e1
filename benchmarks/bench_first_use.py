"""First use of the manual (Numba) FFT: cold and warm Numba cache, process start included.

    python benchmarks/bench_first_use.py [--repeat 3] [--no-demo]

Each case is a fresh interpreter with its own ``NUMBA_CACHE_DIR``: "cold" starts from an
empty cache directory (everything compiles), "warm" runs the same command again on the cache
the cold run filled. Cases: a script doing one float64 ``fracfft.derivative(x, 0.5,
backend="manual")`` of length 1000 and of length 1024 (targets: <= 5 s cold), and
``python -m fracfft`` (targets: <= 20 s cold, <= 6 s warm). Prints the median wall time and
the median CPU time (user + system of the child) of ``--repeat`` runs: on a shared, loaded
machine the CPU time is the steadier figure (compilation is single-threaded), the wall time is
what a user waits. Also checks that the compile notice appears on stderr once, cold only.

Two last rows: the floor of any first use of a Numba kernel (a fresh interpreter importing
NumPy and Numba and compiling a five-line loop, uncached), and a fixed pure-Python loop in a
fresh interpreter (no fracfft, no Numba): the speed of the machine at the time of the run.
A compile follows that speed (Numba's typing and lowering are Python, about half of it); on a
shared container both can double within the hour, and the rows tell which spell a run met.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import _reference as ref

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = """
import numpy as np, fracfft
x = np.random.default_rng(0).standard_normal({n})
y = fracfft.derivative(x, 0.5, backend="manual")
assert y.shape == x.shape and y.dtype == x.dtype
"""

NOTICE = "compiling fracfft's Numba FFT kernels"

REFERENCE = "s = 0\nfor i in range(10_000_000):\n    s += i\n"

# The fixed part of any first use of a Numba kernel: interpreter, NumPy and Numba imports, and
# Numba's first compilation in a process (its target and runtime), here of a five-line loop.
NUMBA_FLOOR = """
import numpy as np, numba
@numba.njit(cache=False)
def f(a):
    s = 0j
    for i in range(a.size):
        s += a[i] * a[i]
    return s
f(np.ones(4, np.complex128))
"""


def timed(argv, cache):
    """Run ``argv`` with ``NUMBA_CACHE_DIR=cache``; return (wall s, cpu s, stderr)."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode:
        raise SystemExit(f"{argv} failed:\n{res.stdout}\n{res.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, res.stderr


def measure(label, argv, repeat, cold_target, warm_target):
    cache = []  # this round's cache directory: "cold" starts it empty, "warm" reuses it

    def setup(state, i):
        if state == "cold":
            if cache:
                cache.pop().cleanup()
            cache.append(tempfile.TemporaryDirectory())

    def run():
        wall, cpu, err = timed(argv, cache[-1].name)
        return wall, cpu, err.count(NOTICE)

    try:
        rows = ref.interleaved({"cold": run, "warm": run}, repeat, warmup=0, order="fixed",
                               setup=setup, self_timed=True)
    finally:
        for c in cache:
            c.cleanup()
    for state, target in (("cold", cold_target), ("warm", warm_target)):
        wall = statistics.median(w for w, _, _ in rows[state])
        cpu = statistics.median(c for _, c, _ in rows[state])
        notices = max(n for _, _, n in rows[state])
        flag = "" if target is None else ("  ok" if wall <= target else
                                          f"  MISSED (target <= {target} s)")
        print(f"{label:>28} {state:>5} {wall:8.2f} {cpu:8.2f}   notice x{notices}{flag}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-demo", action="store_true", help="skip python -m fracfft")
    args = ap.parse_args()
    print(f"{'case':>28} {'cache':>5} {'wall s':>8} {'cpu s':>8}   (medians of {args.repeat})")
    for n in (1000, 1024):
        measure(f"derivative n={n}", [sys.executable, "-c", SCRIPT.format(n=n)], args.repeat,
                5.0, None)
    if not args.no_demo:
        measure("python -m fracfft", [sys.executable, "-m", "fracfft"], args.repeat, 20.0, 6.0)
    for label, script, what in (
            ("floor: first Numba compile", NUMBA_FLOOR, "any first use pays this"),
            ("reference: 10^7-step loop", REFERENCE, "machine speed now; no target")):
        with tempfile.TemporaryDirectory() as cache:
            runs = [timed([sys.executable, "-c", script], cache) for _ in range(args.repeat)]
        print(f"{label:>28} {'':>5} {statistics.median(r[0] for r in runs):8.2f} "
              f"{statistics.median(r[1] for r in runs):8.2f}   ({what})")


if __name__ == "__main__":
    main()
