r"""Fourier symbols of the fractional operators, in one place.

Wavenumbers are ``xi = 2*pi*fftfreq(n, dx)`` (``rfftfreq`` on a half grid). For an order
:math:`\alpha` the symbols are

* weyl:  :math:`K(\xi) = (i\xi)^\alpha = |\xi|^\alpha e^{i\,\mathrm{sign}(\xi)\pi\alpha/2}`,
* riesz: :math:`K(\xi) = -|\xi|^\alpha` (``|xi|`` Euclidean over several axes),
* laplacian (private, for :func:`fracfft.fractional_laplacian`): :math:`|\xi|^{\alpha}`,

with these rules: ``K(0) = 0`` for ``alpha != 0`` and ``K = 1`` everywhere at
``alpha == 0``; the weyl Nyquist bin (even ``n``) keeps only the real part
``|xi|**alpha * cos(pi*alpha/2)`` so the symbol stays Hermitian. The alpha-derivative is
:math:`\partial_\alpha K = K\log(i\xi)` (weyl, product rule over several axes) and
:math:`-|\xi|^\alpha\log|\xi|` (riesz), ``0`` at the zero mode. ``log(0)`` is never evaluated:
the zero mode is masked, not clamped.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from . import _validate

__all__ = ["symbol", "wavenumbers"]

_HALF_PI = 0.5 * np.pi
# Symbols up to this many entries are cached for scalar orders (fixed-alpha loops, small n).
_CACHE_MAX_SIZE = 1 << 16


def wavenumbers(n: int, dx: float = 1.0, real: bool = False) -> np.ndarray:
    r"""Angular wavenumbers of a periodic grid, :math:`\xi = 2\pi\,\mathrm{fftfreq}(n, dx)`.

    Parameters
    ----------
    n : int
        Number of grid points.
    dx : float, optional
        Grid spacing.
    real : bool, optional
        If True, return the ``rfftfreq`` half grid (``n//2 + 1`` entries).

    Returns
    -------
    numpy.ndarray
        float64 wavenumbers in NumPy's FFT ordering.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer or ``dx`` not a positive finite number.

    Examples
    --------
    >>> import numpy as np, fracfft
    >>> fracfft.wavenumbers(4, dx=np.pi / 2)
    array([ 0.,  1., -2., -1.])
    >>> fracfft.wavenumbers(4, dx=np.pi / 2, real=True)
    array([0., 1., 2.])
    """
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    (dx,) = _validate.normalize_dx(dx, 1)
    freq = np.fft.rfftfreq(int(n), dx) if real else np.fft.fftfreq(int(n), dx)
    return 2.0 * np.pi * freq


_COS_QUARTER = np.array([1.0, 0.0, -1.0, 0.0])
_SIN_QUARTER = np.array([0.0, 1.0, 0.0, -1.0])


def _cos_sin_half_pi(alpha):
    """``cos(pi*alpha/2)`` and ``sin(pi*alpha/2)``, exact for integer alpha.

    Exactness matters: integer orders must give the classical derivative's symbol
    ``(i*xi)**alpha`` with no round-off in the phase (``cos(pi/2)`` is 6e-17, not 0).
    """
    if isinstance(alpha, float):  # the common case, without NumPy's per-call cost on scalars
        r = alpha % 4.0
        if r == math.floor(r):
            return _COS_QUARTER[int(r)], _SIN_QUARTER[int(r)]
        return math.cos(_HALF_PI * r), math.sin(_HALF_PI * r)
    r = np.mod(alpha, 4.0)  # exact in floating point
    whole = r == np.floor(r)
    idx = np.where(whole, r, 0.0).astype(np.intp)
    c = np.where(whole, _COS_QUARTER[idx], np.cos(_HALF_PI * r))
    s = np.where(whole, _SIN_QUARTER[idx], np.sin(_HALF_PI * r))
    return c, s


@lru_cache(maxsize=8)
def _axis_grid(n, dx, half):
    """``(|xi|, sign(xi), log(i xi))`` of one axis, with ``|xi| = 1`` and ``log = 0`` at ``xi = 0``.

    The parts of the weyl symbol that do not depend on alpha, kept across calls like an FFT
    library keeps its twiddles (a learned alpha changes every step, the grid does not). About
    four floats per bin; read-only, shared by every caller.
    """
    xi = wavenumbers(n, dx, real=half)
    base = np.abs(xi)
    base[0] = 1.0  # xi[0] == 0: masked, so pow and log never see 0
    sign = np.sign(xi)
    log_i_xi = np.log(base) + 1j * _HALF_PI * sign  # principal log(i*xi)
    parts = (base, sign, log_i_xi)
    for a in parts:
        a.flags.writeable = False
    return parts


def _weyl_1d(grid, ax, ndim, nyq, alpha, want_dk):
    """Return (K, dK or None) of the 1-D weyl symbol on one axis grid, placed on axis ``ax``.

    ``grid`` comes from :func:`_axis_grid`; ``nyq`` is the index of the Nyquist bin (even n),
    else None. Written with real and imaginary parts apart: on large grids the symbol costs a
    few passes over memory, not a chain of complex temporaries.
    """
    shape = [1] * ndim
    shape[ax] = grid[0].size
    base, sign, log_i_xi = (a.reshape(shape) for a in grid)
    mag = base**alpha
    c, s = _cos_sin_half_pi(alpha)
    scalar = isinstance(alpha, float)  # the common case: skip NumPy's scalar machinery
    k = np.empty(mag.shape if scalar else np.broadcast_shapes(mag.shape, np.shape(c)),
                 dtype=np.complex128)
    np.multiply(mag, c, out=k.real)
    np.multiply(mag, s * sign, out=k.imag)

    def at(i):
        return (slice(None),) * ax + (slice(i, i + 1),)

    # Nyquist bin (even n): the real part of the principal value keeps K Hermitian.
    if nyq is not None:
        k.imag[at(nyq)] = 0.0
    k[at(0)] = float(alpha == 0) if scalar else np.where(np.equal(alpha, 0), 1.0, 0.0)
    if not want_dk:
        return k, None
    dk = k * log_i_xi  # dK = K log(i xi)
    if nyq is not None:
        dk[at(nyq)] = mag[at(nyq)] * (log_i_xi[at(nyq)].real * c - _HALF_PI * s)
    dk[at(0)] = 0.0
    return k, dk


def _radial(r, alpha, sign, want_dk):
    """Return (K, dK or None) of ``sign * |xi|**alpha`` (identity at alpha == 0)."""
    zero = r == 0
    base = np.where(zero, 1.0, r)
    mag = base**alpha
    identity = np.equal(alpha, 0)
    k = np.where(identity, 1.0, sign * mag)
    k = np.where(zero, np.where(identity, 1.0, 0.0), k)
    if not want_dk:
        return k, None
    return k, np.where(zero, 0.0, sign * mag * np.log(base))


def _grids(axes, ns, dxs, real):
    """Yield (axis, n, dx, half grid?, Nyquist index or None) per transformed axis."""
    for j, (ax, n, dx) in enumerate(zip(axes, ns, dxs)):
        # Both grids hold the Nyquist bin of even n at index n//2 (rfft: the last one).
        yield ax, n, dx, real and j == len(axes) - 1, (n // 2 if n % 2 == 0 else None)


def _build(ndim, axes, ns, dxs, real, alpha, kind, mode):
    want_dk = mode in ("dalpha", "both")
    grids = list(_grids(axes, ns, dxs, real))
    if kind == "weyl":
        factors = [_weyl_1d(_axis_grid(n, dx, half), ax, ndim, nyq, alpha, want_dk)
                   for ax, n, dx, half, nyq in grids]
        k = factors[0][0]
        for kj, _ in factors[1:]:
            k = k * kj
        if mode == "adjoint":
            return np.conj(k)
        if not want_dk:
            return k
        # Product rule: d/da prod_j K_j = sum_j dK_j prod_{i != j} K_i.
        dk = 0
        for j, (_, dkj) in enumerate(factors):
            term = dkj
            for i, (ki, _) in enumerate(factors):
                if i != j:
                    term = term * ki
            dk = dk + term
    else:
        r2 = 0
        for ax, n, dx, half, _ in grids:
            xi = wavenumbers(n, dx, real=half)
            shape = [1] * ndim
            shape[ax] = xi.size
            r2 = r2 + (xi * xi).reshape(shape)
        sign = -1.0 if kind == "riesz" else 1.0
        k, dk = _radial(np.sqrt(r2), alpha, sign, want_dk)  # real: self-adjoint
    return {"both": (k, dk), "dalpha": dk}.get(mode, k)


@lru_cache(maxsize=64)
def _build_cached(ndim, axes, ns, dxs, real, alpha, kind, mode):
    out = _build(ndim, axes, ns, dxs, real, alpha, kind, mode)
    for a in out if isinstance(out, tuple) else (out,):
        a.flags.writeable = False
    return out


def grid_symbol(ndim, axes, ns, dxs, real, alpha, kind, mode):
    """Symbol broadcastable against the spectrum of an ``ndim``-d array transformed on ``axes``.

    Parameters
    ----------
    ndim : int
        Number of dimensions of the array.
    axes, ns, dxs : tuple
        Transformed axes (non-negative), their lengths and grid spacings.
    real : bool
        True for the half (rfft) grid along the last of ``axes``.
    alpha : float or numpy.ndarray
        The order; an array has ``ndim`` dimensions with size 1 on ``axes``.
    kind : {"weyl", "riesz", "laplacian"}
        Symbol family.
    mode : {"forward", "adjoint", "dalpha", "both"}
        ``K``, its adjoint ``conj(K)``, ``dK/dalpha``, or the pair ``(K, dK/dalpha)`` from
        one evaluation.

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray
        complex128 (weyl) or float64 (riesz, laplacian) symbols; read-only when cached.
    """
    if isinstance(alpha, float) and math.prod(ns) <= _CACHE_MAX_SIZE:
        return _build_cached(ndim, axes, ns, dxs, real, alpha, kind, mode)
    return _build(ndim, axes, ns, dxs, real, alpha, kind, mode)


def symbol(n, alpha, *, dx=1.0, kind="weyl", real=False):
    r"""Return the Fourier symbol :math:`K_\alpha(\xi)` sampled on NumPy's FFT grid.

    ``xi = 2*pi*fftfreq(n, dx)`` (``rfftfreq`` when ``real``), and

    * ``kind="weyl"``:
      :math:`K = (i\xi)^\alpha = |\xi|^\alpha e^{i\,\mathrm{sign}(\xi)\pi\alpha/2}`,
      with the Nyquist bin of even ``n`` equal to :math:`|\xi|^\alpha\cos(\pi\alpha/2)`;
    * ``kind="riesz"``: :math:`K = -|\xi|^\alpha`;

    ``K(0) = 0`` for ``alpha != 0``, and ``K = 1`` everywhere when ``alpha == 0``.

    Parameters
    ----------
    n : int
        Number of grid points (>= 1).
    alpha : float or array_like
        The order; an array gives one symbol per entry, shape ``alpha.shape + (m,)``.
    dx : float, optional
        Grid spacing.
    kind : {"weyl", "riesz"}, optional
        Symbol family.
    real : bool, optional
        Sample on the ``rfftfreq`` half grid (``m = n//2 + 1``) instead of ``fftfreq`` (``m = n``).

    Returns
    -------
    numpy.ndarray
        complex128 symbol values.

    Raises
    ------
    ValueError
        If ``n`` is below 1, ``dx`` is not positive and finite, ``alpha`` is not finite or
        ``kind`` is unknown.

    Examples
    --------
    >>> import fracfft
    >>> fracfft.symbol(4, 1.0).round(12)
    array([0.+0.j        , 0.+1.57079633j, 0.+0.j        , 0.-1.57079633j])
    """
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be a positive integer; got {n}")
    kind = _validate.normalize_kind(kind)
    (dx,) = _validate.normalize_dx(dx, 1)
    a = np.asarray(alpha, dtype=np.float64) if np.ndim(alpha) else alpha
    if np.ndim(a):
        if not np.all(np.isfinite(a)):
            raise ValueError("alpha must be finite")
        a = a[..., None]
        ndim = a.ndim
    else:
        a = _validate.normalize_alpha(a, (n,), ())
        ndim = 1
    k = _build(ndim, (ndim - 1,), (n,), (dx,), bool(real), a, kind, "forward")
    return np.broadcast_to(k, np.broadcast_shapes(k.shape, np.shape(a))).astype(np.complex128)
