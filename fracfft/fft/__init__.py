r"""Discrete Fourier transforms through the selected backend.

:func:`fft`, :func:`ifft`, :func:`rfft`, :func:`irfft` and their n-dimensional versions compute

.. math:: X_k = \sum_{j=0}^{n-1} x_j\, e^{-2\pi i jk/n},

.. math:: x_j = \frac{1}{n}\sum_{k=0}^{n-1} X_k\, e^{2\pi i jk/n}

(``norm="backward"``; ``"ortho"`` scales both by :math:`1/\sqrt n`, ``"forward"`` moves the
:math:`1/n` to the forward transform) with NumPy >= 2 dtype rules: float32 and complex64 stay
single precision, integers and bool compute in float64, complex input to ``rfft`` is a
TypeError. The backend is :func:`fracfft.get_fft_backend` unless ``backend=`` names one.
NumPy arrays give NumPy arrays; GPU arrays (numba.cuda, CuPy) give GPU arrays.
"""

from __future__ import annotations

import operator

import numpy as np

from .._validate import (
    check_lengths,
    compute_dtype,
    is_device_array,
    normalize_axes,
    normalize_norm,
    normalize_workers,
)
from ._registry import BACKENDS, execute, get_fft_backend, set_fft_backend

__all__ = [
    "BACKENDS",
    "fft",
    "fftn",
    "get_fft_backend",
    "ifft",
    "ifftn",
    "irfft",
    "irfftn",
    "manual_backend",
    "rfft",
    "rfftn",
    "set_fft_backend",
]

_COMPLEX_FOR = {np.dtype(np.float32): np.dtype(np.complex64),
                np.dtype(np.float64): np.dtype(np.complex128)}


def _as_input(a, *, real: bool, name: str = "a"):
    """Return ``a`` in the dtype its transform computes in: real for rfft, complex otherwise."""
    if not is_device_array(a):
        a = np.asarray(a)
    dtype = compute_dtype(a.dtype, name)
    if real:
        if dtype.kind == "c":
            raise TypeError(f"{name} must be real for a real-input transform; got {a.dtype}")
    else:
        dtype = _COMPLEX_FOR.get(dtype, dtype)
    if is_device_array(a):
        return a  # the GPU kernels cast while they gather, so no device-side copy here
    return a.astype(dtype, copy=False)


def _lengths(s, a, axes, name):
    if s is None:
        check_lengths(a.shape, axes)
        return None
    s = tuple(operator.index(v) for v in s)
    if len(s) != len(axes):
        raise ValueError(f"{name} has {len(s)} entries but {len(axes)} axes are transformed")
    if any(v < 1 for v in s):
        raise ValueError(f"invalid number of data points {s} specified in {name}")
    return s


def _nd_axes(a, s, axes):
    if axes is None:
        axes = tuple(range(a.ndim - len(s), a.ndim)) if s is not None else tuple(range(a.ndim))
    return normalize_axes(axes, a.ndim, "axes")


def _transform(op, a, s, axes, norm, workers, backend, *direction):
    """Normalise the arguments and run adapter operation ``op``: every public transform."""
    a = _as_input(a, real=op == "r2c")
    axes = _nd_axes(a, s, axes)
    if op == "c2r" and s is None:  # irfftn's default: the last output length is 2*(m - 1)
        s = tuple(a.shape[ax] for ax in axes[:-1]) + (2 * (a.shape[axes[-1]] - 1),)
    s = _lengths(s, a, axes, "s")
    return execute(op, a, s, axes, *direction, normalize_norm(norm), normalize_workers(workers),
                   backend=backend)


def fftn(a, s=None, axes=None, norm=None, *, workers=None, backend=None):
    r"""N-dimensional discrete Fourier transform, :math:`X_k = \sum_j x_j e^{-2\pi i\,j\cdot k/n}`.

    Parameters
    ----------
    a : array_like
        Input array; NumPy, or a numba.cuda / CuPy device array.
    s : sequence of int, optional
        Output lengths along ``axes`` (zero padding or cropping).
    axes : sequence of int, optional
        Axes to transform; all axes by default (the last ``len(s)`` when ``s`` is given).
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    workers : int, optional
        Threads for backends that take them, as in :mod:`scipy.fft`.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        complex64 for single-precision input, complex128 otherwise.

    Raises
    ------
    TypeError
        If ``a`` has a dtype that cannot be transformed.
    ValueError
        If ``s`` and ``axes`` differ in length, a length is below 1, an axis is repeated or
        ``norm`` is unknown.
    numpy.exceptions.AxisError
        If an axis is out of range.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> a = np.arange(12.0).reshape(3, 4)
    >>> bool(np.allclose(fracfft.fft.fftn(a), np.fft.fftn(a)))
    True
    """
    return _transform("c2c", a, s, axes, norm, workers, backend, True)


def ifftn(a, s=None, axes=None, norm=None, *, workers=None, backend=None):
    r"""N-dimensional inverse DFT, :math:`x_j = \frac{1}{n}\sum_k X_k e^{2\pi i\,j\cdot k/n}`.

    Parameters
    ----------
    a : array_like
        Input array.
    s : sequence of int, optional
        Output lengths along ``axes`` (zero padding or cropping).
    axes : sequence of int, optional
        Axes to transform; all axes by default (the last ``len(s)`` when ``s`` is given).
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        complex64 for single-precision input, complex128 otherwise.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`fftn`.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> a = np.arange(12.0).reshape(3, 4)
    >>> bool(np.allclose(fracfft.fft.ifftn(fracfft.fft.fftn(a)), a))
    True
    """
    return _transform("c2c", a, s, axes, norm, workers, backend, False)


def rfftn(a, s=None, axes=None, norm=None, *, workers=None, backend=None):
    r"""N-dimensional DFT of real input; the last of ``axes`` keeps ``n//2 + 1`` bins.

    Parameters
    ----------
    a : array_like
        Input array, real.
    s : sequence of int, optional
        Input lengths along ``axes`` (zero padding or cropping).
    axes : sequence of int, optional
        Axes to transform; all axes by default (the last ``len(s)`` when ``s`` is given).
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        complex64 for float32 input, complex128 otherwise; the last of ``axes`` has ``n//2 + 1``
        entries.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`fftn`; complex ``a`` is a TypeError.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> a = np.arange(12.0).reshape(3, 4)
    >>> fracfft.fft.rfftn(a).shape
    (3, 3)
    >>> bool(np.allclose(fracfft.fft.rfftn(a), np.fft.rfftn(a)))
    True
    """
    return _transform("r2c", a, s, axes, norm, workers, backend)


def irfftn(a, s=None, axes=None, norm=None, *, workers=None, backend=None):
    r"""Inverse of :func:`rfftn`: a real array from a Hermitian half spectrum.

    Parameters
    ----------
    a : array_like
        Input array, the half spectrum.
    s : sequence of int, optional
        Real output lengths along ``axes``; by default the last is ``2*(m - 1)``.
    axes : sequence of int, optional
        Axes to transform; all axes by default (the last ``len(s)`` when ``s`` is given).
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        float32 for single precision, float64 otherwise.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`fftn`.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> a = np.arange(15.0).reshape(3, 5)
    >>> b = fracfft.fft.irfftn(fracfft.fft.rfftn(a), s=a.shape)
    >>> bool(np.allclose(b, a))
    True
    """
    return _transform("c2r", a, s, axes, norm, workers, backend)


def _one(n, axis):
    return (None if n is None else (n,)), (axis,)


def fft(a, n=None, axis=-1, norm=None, *, workers=None, backend=None):
    r"""1-D discrete Fourier transform, :math:`X_k = \sum_{j=0}^{n-1} x_j e^{-2\pi i jk/n}`.

    Parameters
    ----------
    a : array_like
        Input array.
    n : int, optional
        Length of the transform (zero padding or cropping of ``a``).
    axis : int, optional
        Axis to transform.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    workers : int, optional
        Threads for backends that take them, as in :mod:`scipy.fft`.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        complex64 for single-precision input, complex128 otherwise.

    Raises
    ------
    TypeError
        If ``a`` has a dtype that cannot be transformed.
    ValueError
        If ``n`` is below 1 or ``norm`` is unknown.
    numpy.exceptions.AxisError
        If ``axis`` is out of range.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> fracfft.fft.fft([1.0, 0.0, 0.0, 0.0])
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    >>> x = np.random.default_rng(0).standard_normal(12)
    >>> bool(np.allclose(fracfft.fft.fft(x, backend="manual"), np.fft.fft(x)))
    True
    """
    s, axes = _one(n, axis)
    return fftn(a, s, axes, norm, workers=workers, backend=backend)


def ifft(a, n=None, axis=-1, norm=None, *, workers=None, backend=None):
    r"""1-D inverse DFT, :math:`x_j = \frac{1}{n}\sum_k X_k e^{2\pi i jk/n}`.

    Parameters
    ----------
    a : array_like
        Input array.
    n : int, optional
        Length of the transform (zero padding or cropping of ``a``).
    axis : int, optional
        Axis to transform.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        complex64 for single-precision input, complex128 otherwise.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`fft`.

    Examples
    --------
    >>> import fracfft.fft
    >>> fracfft.fft.ifft([4.0, 0.0, 0.0, 0.0])
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    """
    s, axes = _one(n, axis)
    return ifftn(a, s, axes, norm, workers=workers, backend=backend)


def rfft(a, n=None, axis=-1, norm=None, *, workers=None, backend=None):
    r"""1-D DFT of real input, the ``n//2 + 1`` non-negative frequencies.

    Parameters
    ----------
    a : array_like
        Input array, real.
    n : int, optional
        Length of the input used (zero padding or cropping of ``a``).
    axis : int, optional
        Axis to transform.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        complex64 for float32 input, complex128 otherwise, ``n//2 + 1`` entries.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`fft`; complex ``a`` is a TypeError.

    Examples
    --------
    >>> import fracfft.fft
    >>> fracfft.fft.rfft([1.0, 2.0, 3.0, 4.0])
    array([10.+0.j, -2.+2.j, -2.+0.j])
    """
    s, axes = _one(n, axis)
    return rfftn(a, s, axes, norm, workers=workers, backend=backend)


def irfft(a, n=None, axis=-1, norm=None, *, workers=None, backend=None):
    r"""Inverse of :func:`rfft`: a real array of length ``n`` (default ``2*(m - 1)``).

    Parameters
    ----------
    a : array_like
        Input array, the half spectrum.
    n : int, optional
        Length of the real output; ``2*(m - 1)`` by default.
    axis : int, optional
        Axis to transform.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        float32 for single precision, float64 otherwise.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`fft`.

    Examples
    --------
    >>> import fracfft.fft
    >>> fracfft.fft.irfft([10.0, -2.0 + 2.0j, -2.0])
    array([1., 2., 3., 4.])
    """
    s, axes = _one(n, axis)
    return irfftn(a, s, axes, norm, workers=workers, backend=backend)


def __getattr__(name):
    # The scipy.fft backend object imports nothing heavy, but keep `import fracfft.fft` minimal.
    if name == "manual_backend":
        from ._uarray import manual_backend

        return manual_backend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
