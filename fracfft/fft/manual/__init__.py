"""fracfft's own FFT, written with Numba ("manual" backend).

Radix-4/2 Stockham passes for powers of two, mixed radix 3/5 and a generic odd-prime pass
(7, and primes up to 61 while they sum to at most 80) for other lengths, Bluestein's chirp-z
algorithm for the rest, real transforms through the half-length complex transform, and
batches of rows split over threads. Device arrays go to numba.cuda kernels
(:mod:`fracfft.fft.manual._cuda`).

Importing this package imports neither Numba nor any kernel: the kernels are compiled (or
loaded from Numba's cache) on first use. Public names, each loaded on first access:

``c2c_1d(x, out, forward, scale)``
    A plain serial Numba kernel (1-D complex DFT) for use inside the user's own
    ``@numba.njit`` / ``prange`` code.
"""

from __future__ import annotations

__all__ = ["c2c_1d"]


def __getattr__(name):
    if name == "c2c_1d":
        from ._user import c2c_1d

        return c2c_1d
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
