"""Adapter of the "manual" backend: fracfft's own Numba FFT (:mod:`fracfft.fft.manual`).

``c2c / r2c / c2r`` have the semantics of ``scipy.fft.fftn / ifftn / rfftn / irfftn`` with
normalised arguments (:func:`fracfft._validate.normalize_fft`): ``s`` a tuple of lengths or
None (the input's own; :func:`fracfft._validate.fft_lengths` gives ``c2r``'s default), distinct
non-negative ``axes``, ``norm`` a string, ``workers`` >= 1. Host arrays run the CPU launchers
(:mod:`fracfft.fft.manual._cpu`); device arrays (``__cuda_array_interface__``) the numba.cuda
launchers (:mod:`fracfft.fft.manual._cuda`). Importing this module imports neither Numba nor
a kernel; :func:`load` imports Numba.
"""

from __future__ import annotations

import numpy as np

from .._validate import fft_lengths, is_cupy_array, is_device_array

NAME = "manual"
EXTRA = None  # numba is a core dependency

_CPU = None  # fracfft.fft.manual._cpu once loaded


def load() -> None:
    """Import Numba and the CPU launchers; the kernels compile on their first call.

    One kernel per precision serves complex and real transforms, compiled (or loaded from
    Numba's cache) on the first transform in that precision.

    Raises
    ------
    ImportError
        When Numba is not installed.
    """
    global _CPU
    if _CPU is None:
        from .manual import _cpu

        _CPU = _cpu


def _on_device(op, a, *args):
    """Run launcher ``op`` of the numba.cuda FFT; a CuPy array in gives a CuPy array out."""
    from .manual import _cuda

    out = getattr(_cuda, op)(_cuda.as_device_array(a), *args, _cuda.DEFAULT_THREADS_PER_BLOCK)
    if is_cupy_array(a):
        import cupy

        return cupy.asarray(out)
    return out


def c2c(a, s, axes, forward, norm, workers):
    """Complex FFT over ``axes``, as ``scipy.fft.fftn`` (``forward``) or ``ifftn``.

    Parameters
    ----------
    a : ndarray or device array
        Complex input (real is promoted); never modified.
    s : tuple of int or None
        Output lengths along ``axes`` (zero padding / cropping); None keeps the input's.
    axes : tuple of int
        Distinct non-negative axes.
    forward : bool
        Direction.
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    workers : int
        Threads for batches of rows (at least 1); unused on the GPU.

    Returns
    -------
    ndarray or device array
        New C-contiguous array: complex64 for single precision input, clongdouble for long
        double (computed in long double), complex128 otherwise.
    """
    if _CPU is not None and type(a) is np.ndarray:
        return _CPU.c2c(a, s, axes, forward, norm, workers)
    if is_device_array(a):
        return _on_device("launch_c2c", a, axes, fft_lengths(a.shape, s, axes), forward, norm)
    load()
    return _CPU.c2c(a, s, axes, forward, norm, workers)


def r2c(a, s, axes, norm, workers):
    """Real-input FFT over ``axes``, the last one halved, as ``scipy.fft.rfftn``.

    Parameters
    ----------
    a : ndarray or device array
        Real input; never modified.
    s : tuple of int or None
        Real lengths along ``axes`` (zero padding / cropping); None keeps the input's.
    axes : tuple of int
        Distinct non-negative axes; the last one gets ``s[-1]//2 + 1`` bins.
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    workers : int
        Threads for batches of rows.

    Returns
    -------
    ndarray or device array
        New C-contiguous complex array (complex64 for float32 input).
    """
    if is_device_array(a):
        return _on_device("launch_r2c", a, axes, fft_lengths(a.shape, s, axes), True, norm)
    load()
    return _CPU.r2c(a, s, axes, norm, workers)


def c2r(a, s, axes, norm, workers):
    """Inverse of :func:`r2c`, as ``scipy.fft.irfftn``.

    Parameters
    ----------
    a : ndarray or device array
        Half spectrum; never modified.
    s : tuple of int or None
        Real output lengths along ``axes``; None: :func:`fracfft._validate.fft_lengths`.
    axes : tuple of int
        Distinct non-negative axes; the last one holds the half spectrum.
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    workers : int
        Threads for batches of rows.

    Returns
    -------
    ndarray or device array
        New C-contiguous real array (float32 for complex64 input).
    """
    s = fft_lengths(a.shape, s, axes, c2r=True)
    if is_device_array(a):
        return _on_device("launch_c2r", a, axes, s, False, norm)
    load()
    return _CPU.c2r(a, s, axes, norm, workers)
