r"""Reference implementations that fracfft is benchmarked against, and the measuring tools.

* :func:`gl_derivative`: the "standard" fractional autograd: Grünwald–Letnikov weights
  :math:`w_k = (-1)^k\binom{\alpha}{k}` built from a learnable ``alpha`` inside torch autograd,
  laid out as a dense lower-triangular (causal) N×N Toeplitz matrix and applied by matmul,
  :math:`(D^\alpha x)_i \approx h^{-\alpha}\sum_{k=0}^{i} w_k x_{i-k}`. O(N²) time and memory.
* :func:`native_weyl`: the spectral operator written with ``torch.fft`` and autograd alone
  (``irfft(rfft(x) * K(alpha), n)``), the same symbol as fracfft (zero mode 0, Nyquist bin the
  real part), so its values agree with fracfft's to rounding.
* :func:`peak_rss`: peak resident memory added by one call (see :data:`MEMORY_METHOD`).
* :func:`interleaved`, :func:`medians`, :func:`time_call` (from :mod:`fracfft._timing`): the
  timing protocol of every script here: medians of repeats, several implementations timed in
  turn in an order that changes every round.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from pathlib import Path

# The scripts measure the fracfft of this checkout, installed or not (as their children do).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fracfft._baseline import native_weyl  # noqa: E402, F401 - re-exported for run.py
from fracfft._timing import interleaved, medians, time_call  # noqa: E402, F401 - for all scripts

MMAP_THRESHOLD = 64 * 1024

MEMORY_METHOD = (
    "peak RSS added by one fwd+bwd call: the kernel's high-water mark VmHWM is reset "
    "(/proc/self/clear_refs = 5), the call runs once after warm-up, and VmHWM minus the RSS "
    "before the call is reported. glibc's mmap threshold is pinned at 64 KiB (mallopt) so "
    "freed buffers go back to the OS and are not silently reused; allocations below 64 KiB "
    "can come from the heap and may not show. Counts NumPy, Numba and PyTorch allocations "
    "alike, plus any page touched for the first time (e.g. a lazily built FFT plan)."
)


def pin_mmap_threshold() -> bool:
    """Make glibc serve every allocation >= 64 KiB by mmap and return it on free.

    Call before the heavy imports. Returns False where this is not glibc (no mallopt).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        ok = libc.mallopt(m_mmap_threshold, MMAP_THRESHOLD)
        libc.mallopt(m_trim_threshold, MMAP_THRESHOLD)
        return bool(ok)
    except (OSError, AttributeError):
        return False


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def can_measure_memory() -> bool:
    """True where the peak RSS can be reset and read (Linux with a writable clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        _status_kib("VmHWM")
        return True
    except OSError:
        return False


def peak_rss(fn):
    """Peak resident bytes added while ``fn()`` runs (None where it cannot be measured)."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = _status_kib("VmRSS")
    except OSError:
        return None
    fn()
    return max(0, _status_kib("VmHWM") - before) * 1024


# ----------------------------------------------------------------------------- torch
def gl_weights(torch, alpha, n):
    """``w_k = (-1)**k * binom(alpha, k)``, ``k < n``, by ``w_k = w_{k-1} * (1 - (alpha+1)/k)``."""
    k = torch.arange(1, n, dtype=alpha.dtype)
    factors = 1 - (alpha + 1) / k
    return torch.cat([torch.ones(1, dtype=alpha.dtype), torch.cumprod(factors, 0)])


def gl_matrix(torch, w):
    """Dense lower-triangular Toeplitz ``W[i, j] = w[i - j]`` (``i >= j``), differentiable."""
    n = w.shape[0]
    u = torch.cat([w.flip(0), torch.zeros(n - 1, dtype=w.dtype)])  # u[p] = w[n-1-p]
    return u.unfold(0, n, 1).flip(0)  # row i = u[n-1-i : 2n-1-i]; flip materializes N×N


def gl_derivative(torch, x, alpha, dx=1.0):
    """Grünwald–Letnikov derivative along the last dim: ``dx**-alpha * x @ W.T``."""
    w = gl_weights(torch, alpha, x.shape[-1])
    return (x @ gl_matrix(torch, w).T) * dx ** (-alpha)


def gl_bytes(n, itemsize=8):
    """Rough peak of one GL fwd+bwd: W, its flipped view's copy, grad W and its flip."""
    return 4 * n * n * itemsize


def available_memory() -> int:
    """Bytes the kernel says are available (MemAvailable), or 8 GiB where it cannot tell."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 8 << 30
