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

import numpy as np

from .._validate import compute_dtype, is_device_array, normalize_fft
from ._registry import BACKENDS, execute, get_fft_backend, set_fft_backend

__all__ = [
    "BACKENDS",
    "fft",
    "fft2",
    "fftn",
    "get_fft_backend",
    "ifft",
    "ifft2",
    "ifftn",
    "irfft",
    "irfft2",
    "irfftn",
    "manual_backend",
    "rfft",
    "rfft2",
    "rfftn",
    "set_fft_backend",
]

_COMPLEX_FOR = {np.dtype(np.float32): np.dtype(np.complex64),
                np.dtype(np.float64): np.dtype(np.complex128),
                np.dtype(np.longdouble): np.dtype(np.clongdouble)}
_LONG = (np.dtype(np.longdouble), np.dtype(np.clongdouble))


def _as_input(a, *, real: bool, name: str = "a"):
    """Return ``a`` in the dtype its transform computes in: real for rfft, complex otherwise."""
    if not is_device_array(a):
        a = np.asarray(a)
    native = a.dtype.newbyteorder("=") if a.dtype.kind in "fc" else a.dtype
    # Long double keeps its dtype (numpy 2); everything else follows compute_dtype.
    dtype = native if native in _LONG else compute_dtype(a.dtype, name)
    if real:
        if dtype.kind == "c":
            raise TypeError(f"{name} must be real for a real-input transform; got {a.dtype}")
    else:
        dtype = _COMPLEX_FOR.get(dtype, dtype)
    if is_device_array(a):
        return a  # the GPU kernels cast while they gather, so no device-side copy here
    return a.astype(dtype, copy=False)


def _check_out(out, a):
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a NumPy array (return arrays must be of ArrayType); "
                        f"got {type(out).__name__}")
    if out is not None and is_device_array(a):
        raise TypeError("out= takes NumPy arrays; a GPU input gives a new GPU array")


def _into(out, result):
    """Numpy 2's ``out=``: the result written into ``out``, which is returned."""
    if out is None:
        return result
    if out.shape != result.shape:
        raise ValueError(f"output array has wrong shape: out has shape {out.shape}, the "
                         f"result {result.shape}")
    np.copyto(out, result, casting="same_kind")
    return out


def _repeated(op, a, lengths, axes, forward, norm, workers, backend):
    """Numpy's order of 1-D transforms, for n-d calls that name an axis more than once."""
    steps = list(zip(lengths, axes))
    if op == "c2c":
        for n, ax in reversed(steps):
            a = execute("c2c", a, (n,), (ax,), forward, norm, workers, backend=backend)
        return a
    if op == "r2c":
        n, ax = steps[-1]
        a = execute("r2c", a, (n,), (ax,), norm, workers, backend=backend)
        for n, ax in reversed(steps[:-1]):
            a = execute("c2c", a, (n,), (ax,), True, norm, workers, backend=backend)
        return a
    for n, ax in steps[:-1]:
        a = execute("c2c", a, (n,), (ax,), False, norm, workers, backend=backend)
    n, ax = steps[-1]
    return execute("c2r", a, (n,), (ax,), norm, workers, backend=backend)


def _transform(op, a, s, axes, norm, out, workers, backend, forward=True):
    """Normalise the arguments and run adapter operation ``op``: every public transform."""
    a = _as_input(a, real=op == "r2c")
    _check_out(out, a)
    lengths, axes, norm, workers = normalize_fft(a.shape, s, axes, norm, workers,
                                                 c2r=op == "c2r", real=op != "c2c")
    if not axes:  # numpy transforms nothing; a new array all the same
        result = a.copy()
    elif len(set(axes)) < len(axes):
        result = _repeated(op, a, lengths, axes, forward, norm, workers, backend)
    elif op == "c2c":
        result = execute(op, a, lengths, axes, forward, norm, workers, backend=backend)
    else:
        result = execute(op, a, lengths, axes, norm, workers, backend=backend)
    return _into(out, result)


def fftn(a, s=None, axes=None, norm=None, out=None, *, workers=None, backend=None):
    r"""N-dimensional discrete Fourier transform, :math:`X_k = \sum_j x_j e^{-2\pi i\,j\cdot k/n}`.

    Parameters
    ----------
    a : array_like
        Input array; NumPy, or a numba.cuda / CuPy device array.
    s : sequence of int, optional
        Output lengths along ``axes`` (zero padding or cropping); -1 keeps an axis' length.
    axes : sequence of int, optional
        Axes to transform; all axes by default (the last ``len(s)`` when ``s`` is given,
        see Notes). An axis named twice is transformed twice.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    out : ndarray, optional
        Array the result is written to and returned (NumPy 2's ``out``): its shape must be
        the result's and its dtype one the result casts to (``same_kind``).
    workers : int, optional
        Threads for backends that take them, as in :mod:`scipy.fft`.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        complex64 for single-precision input, clongdouble for long double (computed in long
        double by every host backend), complex128 otherwise.

    Raises
    ------
    TypeError
        If ``a`` has a dtype that cannot be transformed, or ``out`` is not a NumPy array or
        cannot hold the result's dtype.
    ValueError
        If ``s`` and ``axes`` differ in length, a length is below 1, ``norm`` is unknown or
        ``out`` has the wrong shape.
    numpy.exceptions.AxisError
        If an axis is out of range.

    Notes
    -----
    ``s`` and ``axes`` are read as NumPy 2 reads them: an entry -1 of ``s`` keeps the input's
    length, a None entry takes the 1-D transform's default (DeprecationWarning), ``s`` given
    without ``axes`` applies to the last ``len(s)`` axes, and an axis named more than once is
    transformed once per repetition, in NumPy's order. NumPy 2 deprecates ``s`` without
    ``axes``; fracfft warns (DeprecationWarning) where that reading differs from NumPy's
    announced future one, i.e. when ``s`` has fewer entries than ``a`` has dimensions.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> a = np.arange(12.0).reshape(3, 4)
    >>> bool(np.allclose(fracfft.fft.fftn(a), np.fft.fftn(a)))
    True
    """
    return _transform("c2c", a, s, axes, norm, out, workers, backend, True)


def ifftn(a, s=None, axes=None, norm=None, out=None, *, workers=None, backend=None):
    r"""N-dimensional inverse DFT, :math:`x_j = \frac{1}{n}\sum_k X_k e^{2\pi i\,j\cdot k/n}`.

    Parameters
    ----------
    a : array_like
        Input array.
    s : sequence of int, optional
        Output lengths along ``axes`` (zero padding or cropping); -1 keeps an axis' length.
    axes : sequence of int, optional
        Axes to transform; all axes by default; see :func:`fftn`.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    out : ndarray, optional
        Array the result is written to and returned (NumPy 2's ``out``): its shape must be
        the result's and its dtype one the result casts to (``same_kind``).
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
    return _transform("c2c", a, s, axes, norm, out, workers, backend, False)


def rfftn(a, s=None, axes=None, norm=None, out=None, *, workers=None, backend=None):
    r"""N-dimensional DFT of real input; the last of ``axes`` keeps ``n//2 + 1`` bins.

    Parameters
    ----------
    a : array_like
        Input array, real.
    s : sequence of int, optional
        Input lengths along ``axes`` (zero padding or cropping); -1 keeps an axis' length.
    axes : sequence of int, optional
        Axes to transform; all axes by default; see :func:`fftn`.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    out : ndarray, optional
        Array the result is written to and returned (NumPy 2's ``out``): its shape must be
        the result's and its dtype one the result casts to (``same_kind``).
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
    return _transform("r2c", a, s, axes, norm, out, workers, backend)


def irfftn(a, s=None, axes=None, norm=None, out=None, *, workers=None, backend=None):
    r"""Inverse of :func:`rfftn`: a real array from a Hermitian half spectrum.

    Parameters
    ----------
    a : array_like
        Input array, the half spectrum.
    s : sequence of int, optional
        Real output lengths along ``axes``; by default the last is ``2*(m - 1)``; -1 keeps
        an axis' input length.
    axes : sequence of int, optional
        Axes to transform; all axes by default; see :func:`fftn`.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    out : ndarray, optional
        Array the result is written to and returned (NumPy 2's ``out``): its shape must be
        the result's and its dtype one the result casts to (``same_kind``).
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
    >>> b = fracfft.fft.irfftn(fracfft.fft.rfftn(a), s=a.shape, axes=(0, 1))
    >>> bool(np.allclose(b, a))
    True
    """
    return _transform("c2r", a, s, axes, norm, out, workers, backend)


def _one(n):
    return None if n is None else (n,)


def fft(a, n=None, axis=-1, norm=None, out=None, *, workers=None, backend=None):
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
    out : ndarray, optional
        Array the result is written to and returned (NumPy 2's ``out``): its shape must be
        the result's and its dtype one the result casts to (``same_kind``).
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
    return _transform("c2c", a, _one(n), (axis,), norm, out, workers, backend, True)


def ifft(a, n=None, axis=-1, norm=None, out=None, *, workers=None, backend=None):
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
    out : ndarray, optional
        Array the result is written to and returned (NumPy 2's ``out``): its shape must be
        the result's and its dtype one the result casts to (``same_kind``).
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
    return _transform("c2c", a, _one(n), (axis,), norm, out, workers, backend, False)


def rfft(a, n=None, axis=-1, norm=None, out=None, *, workers=None, backend=None):
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
    out : ndarray, optional
        Array the result is written to and returned (NumPy 2's ``out``): its shape must be
        the result's and its dtype one the result casts to (``same_kind``).
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
    return _transform("r2c", a, _one(n), (axis,), norm, out, workers, backend)


def irfft(a, n=None, axis=-1, norm=None, out=None, *, workers=None, backend=None):
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
    out : ndarray, optional
        Array the result is written to and returned (NumPy 2's ``out``): its shape must be
        the result's and its dtype one the result casts to (``same_kind``).
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
    return _transform("c2r", a, _one(n), (axis,), norm, out, workers, backend)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None, *, workers=None, backend=None):
    r"""2-D discrete Fourier transform: :func:`fftn` over the last two axes by default.

    Parameters
    ----------
    a : array_like
        Input array.
    s : sequence of int, optional
        Output lengths along ``axes``; see :func:`fftn`.
    axes : sequence of int, optional
        Axes to transform, ``(-2, -1)`` by default.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    out : ndarray, optional
        Array the result is written to and returned; see :func:`fftn`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        As in :func:`fftn`.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`fftn`.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> a = np.arange(12.0).reshape(3, 4)
    >>> bool(np.allclose(fracfft.fft.fft2(a), np.fft.fft2(a)))
    True
    """
    return _transform("c2c", a, s, axes, norm, out, workers, backend, True)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None, *, workers=None, backend=None):
    r"""2-D inverse DFT: :func:`ifftn` over the last two axes by default.

    Parameters
    ----------
    a : array_like
        Input array.
    s : sequence of int, optional
        Output lengths along ``axes``; see :func:`fftn`.
    axes : sequence of int, optional
        Axes to transform, ``(-2, -1)`` by default.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    out : ndarray, optional
        Array the result is written to and returned; see :func:`fftn`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        As in :func:`ifftn`.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`fftn`.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> a = np.arange(12.0).reshape(3, 4)
    >>> bool(np.allclose(fracfft.fft.ifft2(fracfft.fft.fft2(a)), a))
    True
    """
    return _transform("c2c", a, s, axes, norm, out, workers, backend, False)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None, *, workers=None, backend=None):
    r"""2-D DFT of real input: :func:`rfftn` over the last two axes by default.

    Parameters
    ----------
    a : array_like
        Input array, real.
    s : sequence of int, optional
        Input lengths along ``axes``; see :func:`rfftn`.
    axes : sequence of int, optional
        Axes to transform, ``(-2, -1)`` by default; the last keeps ``n//2 + 1`` bins.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    out : ndarray, optional
        Array the result is written to and returned; see :func:`fftn`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        As in :func:`rfftn`.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`rfftn`.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> fracfft.fft.rfft2(np.ones((3, 4))).shape
    (3, 3)
    """
    return _transform("r2c", a, s, axes, norm, out, workers, backend)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None, *, workers=None, backend=None):
    r"""Inverse of :func:`rfft2`: :func:`irfftn` over the last two axes by default.

    Parameters
    ----------
    a : array_like
        Input array, the half spectrum.
    s : sequence of int, optional
        Real output lengths along ``axes``; see :func:`irfftn`.
    axes : sequence of int, optional
        Axes to transform, ``(-2, -1)`` by default.
    norm : {None, "backward", "ortho", "forward"}, optional
        Normalisation, as in :mod:`numpy.fft`.
    out : ndarray, optional
        Array the result is written to and returned; see :func:`fftn`.
    workers : int, optional
        Threads for backends that take them.
    backend : str, optional
        Backend for this call; see :func:`fracfft.set_fft_backend`.

    Returns
    -------
    ndarray
        As in :func:`irfftn`.

    Raises
    ------
    TypeError, ValueError, numpy.exceptions.AxisError
        As in :func:`irfftn`.

    Examples
    --------
    >>> import numpy as np, fracfft.fft
    >>> a = np.arange(12.0).reshape(3, 4)
    >>> bool(np.allclose(fracfft.fft.irfft2(fracfft.fft.rfft2(a), s=a.shape), a))
    True
    """
    return _transform("c2r", a, s, axes, norm, out, workers, backend)


def __getattr__(name):
    # The scipy.fft backend object imports nothing heavy, but keep `import fracfft.fft` minimal.
    if name == "manual_backend":
        from ._uarray import manual_backend

        return manual_backend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
