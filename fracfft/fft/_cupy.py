"""The "cupy" backend: cuFFT through CuPy, for arrays that live on the GPU.

An adapter has ``NAME``, ``EXTRA`` (the pip extra that installs its library),
``load()`` and ``c2c / r2c / c2r`` with the semantics of
``scipy.fft.fftn / ifftn / rfftn / irfftn``.

Device arrays only: a CuPy array comes back as a CuPy array; a numba.cuda
device array is wrapped zero-copy with ``cupy.asarray`` (through
``__cuda_array_interface__``) and the result is handed back as a numba.cuda
device array. Host NumPy arrays are refused with a ``TypeError`` rather than
silently copied to the GPU and back.
"""

import importlib

import numpy as np

from .._validate import fft_lengths

__all__ = ["EXTRA", "NAME", "c2c", "c2r", "load", "r2c"]

NAME = "cupy"
EXTRA = "cupy"

_INSTALL_HINT = "pip install cupy-cuda12x (or pip install fracfft[cupy])"


def load():
    """Import CuPy.

    Returns
    -------
    module
        The ``cupy`` module.

    Raises
    ------
    ImportError
        If CuPy is not installed; the message says how to install it.
    """
    try:
        return importlib.import_module("cupy")
    except ImportError as exc:
        raise ImportError(f"backend 'cupy' needs CuPy: {_INSTALL_HINT}") from exc


def _type_name(a):
    return f"{type(a).__module__}.{type(a).__name__}"


def _check_device(a):
    """Refuse host data before touching CuPy, so the error is the same with or without it."""
    if isinstance(a, np.ndarray) or not hasattr(a, "__cuda_array_interface__"):
        raise TypeError(
            f"backend 'cupy' takes device arrays (CuPy / numba.cuda); got {_type_name(a)}"
        )


def _to_cupy(a):
    """Return (cupy module, cupy view of `a`, whether `a` was a numba.cuda array)."""
    _check_device(a)
    cp = load()
    if isinstance(a, cp.ndarray):
        return cp, a, False
    # numba.cuda device arrays (and others) expose __cuda_array_interface__: no copy.
    return cp, cp.asarray(a), getattr(a, "__cuda_ndarray__", False) is True


def _back(result, was_numba):
    if was_numba:
        from numba import cuda  # only reached with a numba.cuda array in hand

        return cuda.as_cuda_array(result)
    return result


def _lengths(x, s, axes, c2r=False):
    """``s`` resolved by :func:`fracfft._validate.fft_lengths` (cupy.fft has no -1 entries)."""
    return None if s is None else fft_lengths(tuple(x.shape), s, axes, c2r)


def c2c(a, s, axes, forward, norm, workers):
    """Complex FFT over `axes` on the GPU (``fftn`` / ``ifftn``).

    Parameters
    ----------
    a : cupy.ndarray or numba.cuda device array
        Input on the GPU; never modified.
    s : tuple of int or None
        Transform lengths (crop or zero-pad); None keeps the input's. Entries of -1 take
        the default (:func:`fracfft._validate.fft_lengths`).
    axes : tuple of int, or None
        Axes to transform (None: all, with ``s`` None).
    forward : bool
        Forward (True) or inverse (False) transform.
    norm : {"backward", "ortho", "forward"} or None
        Normalisation mode.
    workers : int or None
        Ignored (cuFFT runs on the GPU).

    Returns
    -------
    cupy.ndarray or numba.cuda device array
        The same kind of array as `a`.

    Raises
    ------
    TypeError
        If `a` is a host (NumPy) array.
    ImportError
        If CuPy is not installed.
    """
    cp, x, was_numba = _to_cupy(a)
    fn = cp.fft.fftn if forward else cp.fft.ifftn
    out = fn(x, s=_lengths(x, s, axes), axes=axes, norm=norm)
    return _back(out, was_numba)


def r2c(a, s, axes, norm, workers):
    """Real-input FFT on the GPU, the last of `axes` halved (``rfftn``).

    Parameters
    ----------
    a : cupy.ndarray or numba.cuda device array
        Real input on the GPU; float32 gives complex64.
    s, axes, norm
        As in `scipy.fft.rfftn`.
    workers : int or None
        Ignored.

    Returns
    -------
    cupy.ndarray or numba.cuda device array
        The same kind of array as `a`.

    Raises
    ------
    TypeError
        If `a` is a host array, or complex (as in numpy.fft.rfftn).
    """
    cp, x, was_numba = _to_cupy(a)
    if x.dtype.kind == "c":
        raise TypeError(f"r2c takes real input; got dtype {x.dtype}")
    out = cp.fft.rfftn(x, s=_lengths(x, s, axes), axes=axes, norm=norm)
    return _back(out, was_numba)


def c2r(a, s, axes, norm, workers):
    """Inverse of :func:`r2c` on the GPU (``irfftn``).

    Parameters
    ----------
    a : cupy.ndarray or numba.cuda device array
        Half spectrum on the GPU; complex64 gives float32.
    s, axes, norm
        As in `scipy.fft.irfftn` (``s`` None: last length ``2 * (m - 1)``).
    workers : int or None
        Ignored.

    Returns
    -------
    cupy.ndarray or numba.cuda device array
        The same kind of array as `a`.

    Raises
    ------
    TypeError
        If `a` is a host array.
    """
    cp, x, was_numba = _to_cupy(a)
    out = cp.fft.irfftn(x, s=_lengths(x, s, axes, c2r=True), axes=axes, norm=norm)
    return _back(out, was_numba)
