r"""Fractional operators on one grid distributed over MPI ranks, on :class:`mpi4py_fft.PFFT`.

Each rank holds a block of the real-space array (slab or pencil, as the ``PFFT`` object
``fft`` lays it out). An operator is one distributed forward transform, a multiplication by
the symbol on this rank's block of the spectrum, and one distributed backward transform:

.. math:: D^\alpha u = \mathcal F^{-1}[K_\alpha(\xi)\,\mathcal F u].

The symbol's rules (zero mode, Nyquist bins, the Euclidean ``|xi|`` of riesz and of the
fractional Laplacian) are those of :mod:`fracfft.symbols`, evaluated on the global
wavenumbers of the rank's spectral block (``fft.local_slice(True)``), so the result on P
ranks is the serial result on the gathered array. The transforms and all communication are
mpi4py-fft's; this module adds none except the one ``allreduce`` of :func:`alpha_gradient`.

The spectrum lives in the plan's own work array (forward's output is backward's input), as
when ``fft.forward()`` is called without an output array: a spectrum obtained earlier from
that buffer is overwritten. Each call returns a new array.

Only the periodic kinds (``"weyl"``, ``"riesz"``) are available here: a causal kind needs a
zero-padded transform along its axis, which a ``PFFT`` plan does not provide. ``alpha`` is
one number for the whole grid.
"""

from __future__ import annotations

import math

import numpy as np
from mpi4py_fft import DistArray, newDistArray

from . import _validate
from .symbols import MODES, _derivatives

__all__ = ["alpha_gradient", "derivative", "derivative_adjoint", "derivative_dalpha",
           "fractional_laplacian"]

_PERIODIC = ("weyl", "riesz")


def _transformed_axes(fft):
    return tuple(a for group in fft.axes for a in group)


def _check_fft(fft):
    if not (hasattr(fft, "forward") and hasattr(fft, "local_slice") and hasattr(fft, "axes")):
        raise TypeError(f"fft must be an mpi4py_fft.PFFT object; got {type(fft).__name__}")


def _check_kind(kind):
    if kind not in _PERIODIC:
        raise ValueError(f"fracfft.mpi supports the periodic kinds 'weyl' and 'riesz'; got "
                         f"kind={kind!r} (causal kinds need the serial or dask API)")
    return kind


def _check_axes(axis, fft, name):
    ndim = len(fft.global_shape(False))
    axes = _validate.normalize_axes(axis, ndim, name)
    planned = _transformed_axes(fft)
    for a in axes:
        if a not in planned:
            raise ValueError(f"{name}: axis {a} is not transformed by fft (its axes are "
                             f"{planned})")
    return axes


def _check_alpha(alpha, name):
    if np.ndim(alpha) != 0:
        raise ValueError(f"{name} must be one number for the whole grid in fracfft.mpi; got "
                         f"shape {np.shape(alpha)}")
    return _validate.normalize_alpha(np.asarray(alpha).item() if hasattr(alpha, "dtype")
                                     else alpha, (1,), (), name)


def _check_array(u, fft, name):
    shape = tuple(fft.shape(False))
    if tuple(np.shape(u)) != shape:
        raise ValueError(f"{name} has shape {np.shape(u)} but this rank's block of fft is "
                         f"{shape}")
    dtype = np.dtype(fft.dtype(False))
    if np.asarray(u).dtype.kind == "c" and dtype.kind == "f":
        raise TypeError(f"{name} is complex but fft transforms real arrays")
    return dtype


def _axis_pieces(fft, axes, dxs, alpha, kind, want_dk):
    """Return what :func:`_slab_symbol` needs to build the symbol on this rank's block.

    The arguments of :func:`fracfft.symbols._derivatives` with the half (r2c) axis last among
    the transformed ones, and this rank's spectral slice of each transformed axis: the per-axis
    factors are built on the whole axis (O(sum of n)) and cut, so the zero-mode and Nyquist
    rules sit at their global indices.
    """
    shape = fft.global_shape(False)
    local = fft.local_slice(True)
    r2c_axis = fft.axes[-1][-1] if np.dtype(fft.dtype(False)).kind == "f" else None
    pairs = sorted(zip(axes, dxs), key=lambda p: p[0] == r2c_axis)
    axes = tuple(a for a, _ in pairs)
    args = (len(shape), axes, tuple(shape[a] for a in axes), tuple(d for _, d in pairs),
            r2c_axis in axes, alpha, kind)
    return args, tuple(local[a] for a in axes)


def _rows(a, sl):
    """Rows ``sl`` of an array broadcast along axis 0 (all of it where it has size 1)."""
    return a if a.shape[0] == 1 else a[sl]


def _slab_symbol(pieces, alpha, kind, mode, sl):
    """Return the symbol on rows ``sl`` (axis 0) of this rank's spectral block."""
    args, cuts = pieces
    axes = args[1]
    if 0 in axes:  # rows sl of this rank's slice of axis 0
        j = axes.index(0)
        start = cuts[j].start or 0
        cuts = cuts[:j] + (slice(start + sl.start, start + sl.stop),) + cuts[j + 1:]
    if mode == "both":
        return tuple(_derivatives(*args, 1, cuts))
    order, conj = MODES[mode]
    s = _derivatives(*args, order, cuts)[order]
    return np.conj(s) if conj and s.dtype.kind == "c" else s


# The symbol is built and applied this many bytes of spectrum at a time, so it never costs a
# full-block temporary (the radial symbol needs several passes of temporaries).
_SLAB_BYTES = 4 << 20


def _slabs(spec):
    rows = spec.shape[0]
    per_row = max(1, spec[:1].nbytes)
    step = max(1, _SLAB_BYTES // per_row)
    return [slice(i, min(i + step, rows)) for i in range(0, rows, step)]


def _multiply_symbol(spec, pieces, alpha, kind, mode):
    """``spec *= S`` in place, slab by slab along axis 0."""
    single = spec.dtype == np.complex64
    for sl in _slabs(spec):
        k = _slab_symbol(pieces, alpha, kind, mode, sl)
        spec[sl] *= k.astype(np.complex64 if k.dtype.kind == "c" else np.float32) if single \
            else k


def _apply(u, alpha, fft, axis, kind, dx, mode, *, name="u", alpha_name="alpha",
           alpha_scale=1.0, axis_name="axis"):
    _check_fft(fft)
    if kind != "laplacian":
        kind = _check_kind(kind)
    axes = _check_axes(axis, fft, axis_name)
    dxs = _validate.normalize_dx(dx, len(axes))
    alpha = _check_alpha(alpha, alpha_name) * alpha_scale
    dtype = _check_array(u, fft, name)
    if mode != "dalpha" and alpha == 0.0:
        out = _back_like(u, fft, dtype)
        out[...] = u
        return out
    # The plan's own spectral buffer (forward's output is backward's input): no copy of the
    # spectrum, and the input is copied by mpi4py-fft into its own input array, never written.
    spec = fft.forward(np.asarray(u))
    pieces = _axis_pieces(fft, axes, dxs, alpha, kind, mode in ("dalpha", "both"))
    _multiply_symbol(spec, pieces, alpha, kind, mode)
    return fft.backward(None, _back_like(u, fft, dtype))


def _back_like(u, fft, dtype):
    """Return a new array for this rank's real-space block, of ``u``'s type."""
    return newDistArray(fft, False) if isinstance(u, DistArray) else np.empty(fft.shape(False),
                                                                                dtype)


_PARAMETERS = """
    Parameters
    ----------
    {arg} : mpi4py_fft.DistArray or numpy.ndarray
        This rank's block of the real-space array, of shape ``fft.shape(False)``.
    alpha : float
        The order, one number for the whole grid.
    fft : mpi4py_fft.PFFT
        The distributed transform (slab or pencil; real or complex; without padding).
    axis : int or tuple of int, optional
        Axis or axes to differentiate along; each must be transformed by ``fft``.
    kind : {"weyl", "riesz"}, optional
        ``"weyl"``: :math:`K = (i\\xi)^\\alpha`; ``"riesz"``: :math:`K = -|\\xi|^\\alpha`.
    dx : float or tuple of float, optional
        Grid spacing, one value or one per axis.

    Returns
    -------
    mpi4py_fft.DistArray or numpy.ndarray
        A new array: this rank's block of the result, of ``{arg}``'s type and layout.

    Raises
    ------
    ValueError
        A causal kind; an axis ``fft`` does not transform; an array alpha; a block of the
        wrong shape; every argument error of :func:`fracfft.derivative`.
"""


def _doc(func):
    arg = func.__code__.co_varnames[0]
    func.__doc__ = func.__doc__.replace("{parameters}", _PARAMETERS.replace("{arg}", arg))
    return func


@_doc
def derivative(u, alpha, fft, axis=-1, *, kind="weyl", dx=1.0):
    r"""Fractional derivative :math:`\mathcal F^{-1}[K_\alpha(\xi)\,\mathcal F u]`, distributed.

    The symbol is that of :func:`fracfft.derivative` (weyl :math:`(i\xi)^\alpha`, riesz
    :math:`-|\xi|^\alpha`), evaluated on this rank's block of the spectrum.
    {parameters}

    Examples
    --------
    >>> import numpy as np, fracfft.mpi
    >>> from mpi4py import MPI
    >>> from mpi4py_fft import PFFT, newDistArray
    >>> fft = PFFT(MPI.COMM_WORLD, (16, 12, 8), dtype=float)
    >>> u = newDistArray(fft, False)
    >>> x = 2 * np.pi * np.arange(16)[u.local_slice()[0], None, None] / 16
    >>> u[:] = np.sin(2 * x)
    >>> du = fracfft.mpi.derivative(u, 1.0, fft, axis=0, dx=2 * np.pi / 16)
    >>> bool(np.allclose(du, 2 * np.cos(2 * x)))
    True
    """
    return _apply(u, alpha, fft, axis, kind, dx, "forward")


@_doc
def derivative_adjoint(g, alpha, fft, axis=-1, *, kind="weyl", dx=1.0):
    r"""Adjoint :math:`\mathcal F^{-1}[\overline{K_\alpha(\xi)}\,\mathcal F g]`, distributed.

    :math:`\langle D^\alpha u, g\rangle = \langle u, (D^\alpha)^* g\rangle` over the global
    grid; riesz is self-adjoint.
    {parameters}
    """
    return _apply(g, alpha, fft, axis, kind, dx, "adjoint", name="g")


@_doc
def derivative_dalpha(u, alpha, fft, axis=-1, *, kind="weyl", dx=1.0):
    r"""Exact order derivative :math:`\partial_\alpha D^\alpha u` of a distributed grid.

    :math:`\partial_\alpha K = K\log(i\xi)` (weyl, product rule over several axes) or
    :math:`-|\xi|^\alpha\log|\xi|` (riesz), ``0`` at the zero mode, as in
    :func:`fracfft.derivative_dalpha`.
    {parameters}
    """
    return _apply(u, alpha, fft, axis, kind, dx, "dalpha")


def fractional_laplacian(u, s, fft, axes=None, *, dx=1.0):
    r"""Fractional Laplacian :math:`\mathcal F^{-1}[|\xi|^{2s}\,\mathcal F u]`, distributed.

    :math:`|\xi|` is the Euclidean norm of the wavenumber over ``axes``; ``s == 0`` is the
    identity, as in :func:`fracfft.fractional_laplacian`.

    Parameters
    ----------
    u : mpi4py_fft.DistArray or numpy.ndarray
        This rank's block of the real-space array, of shape ``fft.shape(False)``.
    s : float
        The power, one number for the whole grid.
    fft : mpi4py_fft.PFFT
        The distributed transform.
    axes : int or tuple of int, optional
        Axes of the Laplacian, each transformed by ``fft``; all of ``fft``'s axes by default.
    dx : float or tuple of float, optional
        Grid spacing, one value or one per axis.

    Returns
    -------
    mpi4py_fft.DistArray or numpy.ndarray
        A new array: this rank's block of the result, of ``u``'s type and layout.

    Raises
    ------
    ValueError
        An axis ``fft`` does not transform; an array ``s``; a block of the wrong shape; every
        argument error of :func:`fracfft.fractional_laplacian`.
    """
    _check_fft(fft)
    if axes is None:
        axes = tuple(sorted(_transformed_axes(fft)))
    return _apply(u, s, fft, axes, "laplacian", dx, "forward", alpha_name="s", alpha_scale=2.0,
                  axis_name="axes")


def alpha_gradient(u, g, alpha, fft, axis=-1, *, kind="weyl", dx=1.0):
    r"""Return :math:`\mathrm{Re}\sum \partial_\alpha(D^\alpha u)\,\bar g` over the global grid.

    The gradient of a real loss :math:`L` with respect to the order when
    :math:`g = \partial L/\partial \overline{D^\alpha u}`, computed by Parseval on the
    spectrum: with the forward transform normalised by :math:`N` (mpi4py-fft's default),
    :math:`\sum_x a\,\bar b = N\sum_k A_k \bar B_k`, and on a half (r2c) spectrum the bins
    that stand for two conjugate bins (global indices ``1 .. n/2 - 1`` along the r2c axis,
    ``1 .. (n-1)/2`` for odd ``n``) count twice. Each rank sums its block and one
    ``allreduce`` gives every rank the same float.

    Parameters
    ----------
    u, g : mpi4py_fft.DistArray or numpy.ndarray
        This rank's blocks of the input and of the incoming gradient.
    alpha : float
        The order.
    fft : mpi4py_fft.PFFT
        The distributed transform.
    axis : int or tuple of int, optional
        Axis or axes of the derivative.
    kind : {"weyl", "riesz"}, optional
        Symbol family.
    dx : float or tuple of float, optional
        Grid spacing, one value or one per axis.

    Returns
    -------
    float
        The same value on every rank of ``fft``'s communicator.

    Raises
    ------
    ValueError
        As in :func:`derivative`.
    """
    _check_fft(fft)
    kind = _check_kind(kind)
    axes = _check_axes(axis, fft, "axis")
    dxs = _validate.normalize_dx(dx, len(axes))
    alpha = _check_alpha(alpha, "alpha")
    _check_array(u, fft, "u")
    _check_array(g, fft, "g")
    pieces = _axis_pieces(fft, axes, dxs, alpha, kind, True)
    big_u = np.array(fft.forward(np.asarray(u)), copy=True)
    big_g = fft.forward(np.asarray(g))  # the plan's buffer; only read below
    weights = None
    if np.dtype(fft.dtype(False)).kind == "f":
        # Bins of the half axis that stand for themselves and their conjugate twins count
        # twice: global indices 1 .. ceil(n/2) - 1.
        ax = fft.axes[-1][-1]
        n = fft.global_shape(False)[ax]
        start = fft.local_slice(True)[ax].start
        index = np.arange(start, start + big_u.shape[ax])
        weights = np.where((index >= 1) & (2 * index < n), 2.0, 1.0)
        weights = weights.reshape([-1 if i == ax else 1 for i in range(big_u.ndim)])
    local = 0.0
    for sl in _slabs(big_u):
        term = (_slab_symbol(pieces, alpha, kind, "dalpha", sl) * big_u[sl]
                * np.conj(big_g[sl])).real
        if weights is not None:
            term *= _rows(weights, sl)
        local += float(term.sum(dtype=np.float64))
    local *= float(math.prod(fft.global_shape(False)))
    return _sum_over_ranks(local, fft)


def _sum_over_ranks(value, fft):
    """Sum one float over every rank of ``fft``, bit-identical on all of them.

    PFFT keeps only its per-dimension sub-communicators; gathering along each in turn gives
    every rank the same table of P values, which ``math.fsum`` adds exactly (an allreduce
    along each dimension in turn could round differently on different ranks).
    """
    values = [value]
    for sub in fft.subcomm:
        if sub.Get_size() > 1:
            values = [v for part in sub.allgather(values) for v in part]
    return math.fsum(values)
