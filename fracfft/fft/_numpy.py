"""Adapter: numpy.fft (pocketfft in C++ for numpy >= 2). Ignores ``workers``."""

import numpy as np

NAME = "numpy"
EXTRA = None


def load():
    """Nothing to import: numpy is a core dependency."""


def _single(a, out):
    # numpy < 2 computes float32 in double precision; keep the SPEC's dtype rule.
    single = a.dtype in (np.float32, np.complex64)
    if single and out.dtype not in (np.float32, np.complex64):
        return out.astype(np.complex64 if out.dtype.kind == "c" else np.float32)
    return out


def c2c(a, s, axes, forward, norm, workers):
    """Complex FFT over ``axes`` (``numpy.fft.fftn`` / ``ifftn``)."""
    fn = np.fft.fftn if forward else np.fft.ifftn
    return _single(a, fn(a, s=s, axes=axes, norm=norm))


def r2c(a, s, axes, norm, workers):
    """Real-input FFT, last of ``axes`` halved (``numpy.fft.rfftn``)."""
    return _single(a, np.fft.rfftn(a, s=s, axes=axes, norm=norm))


def c2r(a, s, axes, norm, workers):
    """Inverse of :func:`r2c` (``numpy.fft.irfftn``)."""
    if s is None:  # numpy wants s when axes is given; irfftn's default last length
        s = tuple(a.shape[ax] for ax in axes[:-1]) + (2 * (a.shape[axes[-1]] - 1),)
    return _single(a, np.fft.irfftn(a, s=s, axes=axes, norm=norm))
