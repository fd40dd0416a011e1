"""GPU FFT: fracfft's numba.cuda kernels against cuFFT (through CuPy).

    python benchmarks/bench_gpu.py [--rows 64] [--log2n 20] [--repeat 20] [--tpb 128]

Times a batched 1-D complex64 FFT along the last axis of a (rows, 2**log2n)
device array, prints the median times and the ratio numba/cuFFT (target <= 4).
Without a CUDA GPU (or under NUMBA_ENABLE_CUDASIM) it prints
"skipped: no CUDA GPU" and exits 0; without CuPy it times numba.cuda alone.
"""

import argparse
import os
import statistics
import sys

import _reference as ref  # this folder, first on sys.path; puts this checkout's fracfft first


def _gpu_available():
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return False
    try:
        from numba import cuda

        return bool(cuda.is_available())
    except Exception:
        return False


def _median_ms(fn, sync, repeat):
    """Median ms of ``fn()`` and the device's finishing it, after a warm-up call."""
    # Warm-up: compilation, plan creation, caches.
    times = ref.interleaved({"fn": lambda: (fn(), sync())}, repeat)["fn"]
    return statistics.median(times) * 1e3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=64)
    parser.add_argument("--log2n", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--tpb", type=int, default=None, help="threads per block (numba.cuda)")
    args = parser.parse_args(argv)

    if not _gpu_available():
        print("skipped: no CUDA GPU")
        return 0

    import numpy as np
    from numba import cuda

    from fracfft.fft.manual import _cuda

    rows, n = args.rows, 1 << args.log2n
    rng = np.random.default_rng(0)
    host = (rng.standard_normal((rows, n)) + 1j * rng.standard_normal((rows, n))).astype(
        np.complex64
    )
    d_x = cuda.to_device(host)
    print(f"device: {cuda.get_current_device().name}")
    print(f"batched complex64 FFT, shape ({rows}, 2**{args.log2n}), last axis")

    def numba_fft():
        return _cuda.c2c(d_x, None, (-1,), True, "backward", args.tpb)

    t_numba = _median_ms(numba_fft, cuda.synchronize, args.repeat)
    print(f"numba.cuda (fracfft manual): {t_numba:9.3f} ms (median of {args.repeat})")

    try:
        import cupy as cp
    except ImportError:
        print("cuFFT comparison skipped: CuPy not installed (pip install cupy-cuda12x)")
        return 0

    x_cp = cp.asarray(d_x)

    def cufft():
        return cp.fft.fft(x_cp, axis=-1)

    t_cufft = _median_ms(cufft, cp.cuda.Device().synchronize, args.repeat)
    print(f"cuFFT (CuPy):                {t_cufft:9.3f} ms (median of {args.repeat})")
    ratio = t_numba / t_cufft
    print(f"ratio numba.cuda / cuFFT:    {ratio:9.2f}x (target <= 4x)")

    # Same answer, within single-precision FFT accuracy.
    ref = cufft()
    got = cp.asarray(numba_fft())
    err = float(cp.linalg.norm(got - ref) / cp.linalg.norm(ref))
    print(f"relative difference:         {err:9.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
