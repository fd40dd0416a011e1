"""Import cost of fracfft over scipy.fft, median of fresh interpreters (target: <= 0.15 s).

    python benchmarks/bench_import.py [--runs 15]
"""

import argparse
import os
import statistics
import subprocess
import sys

import _reference as ref

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _time_import(stmt: str) -> float:
    code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    # Interleaved so machine noise hits both alike; each child times its own import.
    t = ref.interleaved({"base": lambda: _time_import("import numpy, scipy.fft"),
                         "ours": lambda: _time_import("import numpy, scipy.fft, fracfft")},
                        args.runs, warmup=0, order="fixed", self_timed=True)
    base, ours = t["base"], t["ours"]
    diff = [f - b for b, f in zip(base, ours, strict=True)]
    print(f"import numpy, scipy.fft          median {statistics.median(base):.3f} s")
    print(f"import numpy, scipy.fft, fracfft median {statistics.median(ours):.3f} s")
    extra = statistics.median(diff)
    verdict = "meets" if extra <= 0.15 else "MISSES"
    print(f"fracfft's own cost               median {extra:.3f} s ({verdict} the 0.15 s target)")


if __name__ == "__main__":
    main()
