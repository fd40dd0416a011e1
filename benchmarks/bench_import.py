"""Import cost of fracfft over scipy.fft, median of fresh interpreters (target: <= 0.15 s).

    python benchmarks/bench_import.py [--runs 15]
"""

import argparse
import statistics
import subprocess
import sys


def _time_import(stmt: str) -> float:
    code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    base, ours, diff = [], [], []
    for _ in range(args.runs):  # interleaved so machine noise hits both alike
        b = _time_import("import numpy, scipy.fft")
        f = _time_import("import numpy, scipy.fft, fracfft")
        base.append(b)
        ours.append(f)
        diff.append(f - b)
    print(f"import numpy, scipy.fft          median {statistics.median(base):.3f} s")
    print(f"import numpy, scipy.fft, fracfft median {statistics.median(ours):.3f} s")
    extra = statistics.median(diff)
    verdict = "meets" if extra <= 0.15 else "MISSES"
    print(f"fracfft's own cost               median {extra:.3f} s ({verdict} the 0.15 s target)")


if __name__ == "__main__":
    main()
