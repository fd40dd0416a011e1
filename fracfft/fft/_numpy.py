"""Adapter: numpy.fft (pocketfft in C++ for numpy >= 2). Ignores ``workers``.

``c2c / r2c / c2r`` take normalised arguments (:func:`fracfft._validate.normalize_fft`):
``s`` a tuple of lengths or None (the input's own; ``c2r``'s default from
:func:`fracfft._validate.fft_lengths`), distinct non-negative ``axes``, ``norm`` a string.
"""

import numpy as np

from .._validate import fft_lengths

NAME = "numpy"
EXTRA = None

_KEEP = {np.dtype(np.float32): (np.complex64, np.float32),
         np.dtype(np.complex64): (np.complex64, np.float32),
         np.dtype(np.longdouble): (np.clongdouble, np.longdouble),
         np.dtype(np.clongdouble): (np.clongdouble, np.longdouble)}


def load():
    """Nothing to import: numpy is a core dependency."""


def _keep(a, out):
    # numpy < 2 computes float32 and long double in double precision; keep the SPEC's dtype
    # rule (long double results then carry double precision, the most numpy < 2 gives).
    pair = _KEEP.get(a.dtype)
    if pair is not None:
        want = np.dtype(pair[0] if out.dtype.kind == "c" else pair[1])
        if out.dtype != want:
            return out.astype(want)
    return out


def c2c(a, s, axes, forward, norm, workers):
    """Complex FFT over ``axes`` (``numpy.fft.fftn`` / ``ifftn``)."""
    fn = np.fft.fftn if forward else np.fft.ifftn
    return _keep(a, fn(a, s=fft_lengths(a.shape, s, axes), axes=axes, norm=norm))


def r2c(a, s, axes, norm, workers):
    """Real-input FFT, last of ``axes`` halved (``numpy.fft.rfftn``)."""
    return _keep(a, np.fft.rfftn(a, s=fft_lengths(a.shape, s, axes), axes=axes, norm=norm))


def c2r(a, s, axes, norm, workers):
    """Inverse of :func:`r2c` (``numpy.fft.irfftn``)."""
    s = fft_lengths(a.shape, s, axes, c2r=True)
    return _keep(a, np.fft.irfftn(a, s=s, axes=axes, norm=norm))
