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

import hashlib
import math
import operator
from functools import lru_cache

import numpy as np

from . import _validate
from ._cache import ByteLRU, default_max_bytes

__all__ = ["set_symbol_cache", "symbol", "symbol_cache_info", "wavenumbers"]

_HALF_PI = 0.5 * np.pi


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
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n`` is below 1 or ``dx`` is not a positive finite number.

    Examples
    --------
    >>> import numpy as np, fracfft
    >>> fracfft.wavenumbers(4, dx=np.pi / 2)
    array([ 0.,  1., -2., -1.])
    >>> fracfft.wavenumbers(4, dx=np.pi / 2, real=True)
    array([0., 1., 2.])
    """
    n = _validate.normalize_length(n)
    (dx,) = _validate.normalize_dx(dx, 1)
    freq = np.fft.rfftfreq(n, dx) if real else np.fft.fftfreq(n, dx)
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


def _weyl_1d(grid, ax, ndim, nyq, alpha, order, half=False):
    """Return ``[K, dK/da, ..., d^order K/da^order]`` of the 1-D weyl symbol on one axis grid.

    ``grid`` comes from :func:`_axis_grid` and the result is placed on axis ``ax``; ``nyq`` is
    the index of the Nyquist bin (even n), else None. With ``L = log(i xi)`` every derivative is
    ``L**j K``, except at the Nyquist bin, where the symbol is the real part of the principal
    value and so is each derivative (``Re(L**j (i xi)**alpha)``), and at the zero mode (``0``).
    Written with real and imaginary parts apart: on large grids the symbol costs a few passes
    over memory, not a chain of complex temporaries.
    """
    shape = [1] * ndim
    shape[ax] = grid[0].size
    if isinstance(alpha, float):  # the common case, built on the 1-D grid and placed after
        out = _weyl_1d_scalar(grid, nyq, alpha, order, half)
        return out if ndim == 1 else [a.reshape(shape) for a in out]
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

    full_nyq = None if nyq is None or order == 0 else k[at(nyq)].copy()
    # Nyquist bin (even n): the real part of the principal value keeps K Hermitian.
    if nyq is not None:
        k.imag[at(nyq)] = 0.0
    k[at(0)] = float(alpha == 0) if scalar else np.where(np.equal(alpha, 0), 1.0, 0.0)
    out = [k]
    for j in range(1, order + 1):
        dk = out[-1] * log_i_xi  # d^j K = L**j K
        if nyq is not None:
            dk[at(nyq)] = (log_i_xi[at(nyq)] ** j * full_nyq).real
        dk[at(0)] = 0.0
        out.append(dk)
    return out


def _weyl_phase(grid, alpha, half):
    """Return ``|xi|**alpha e^(i sign(xi) pi alpha/2)`` on one axis grid (a new array).

    For a float ``alpha``, before the zero-mode and Nyquist rules.
    """
    base, sign, _ = grid
    mag = base**alpha
    c, s = _cos_sin_half_pi(alpha)
    if half:
        # sign is 1 past the zero mode (which the rules set): one pass, and the same values,
        # since (m + 0i)(c + is) = (mc - 0s) + i(ms + 0c) rounds to (mc, ms) exactly (only the
        # sign of a zero may differ, where |xi|**alpha underflows).
        return mag * complex(c, s)
    k = np.empty(mag.shape, dtype=np.complex128)
    np.multiply(mag, c, out=k.real)
    np.multiply(mag, s * sign, out=k.imag)
    return k


def _weyl_1d_scalar(grid, nyq, alpha, order, half=False):
    """Return :func:`_weyl_1d`'s list for a float ``alpha`` on the 1-D grid.

    The same values in fewer NumPy calls (a half grid's phase is one pass, see
    :func:`_weyl_phase`): a learned order builds its symbols at every step.
    """
    log_i_xi = grid[2]
    k = _weyl_phase(grid, alpha, half)
    if nyq is not None:
        at_nyq = slice(nyq, nyq + 1)
        full_nyq = k[at_nyq].copy() if order else None
        k.imag[nyq] = 0.0
    k[0] = float(alpha == 0)
    out = [k]
    for j in range(1, order + 1):
        dk = out[-1] * log_i_xi
        if nyq is not None:
            dk[at_nyq] = (log_i_xi[at_nyq] ** j * full_nyq).real
        dk[0] = 0.0
        out.append(dk)
    return out


def _radial(r2, alpha, sign, order):
    """Return ``[K, dK/da, ...]`` of ``sign * |xi|**alpha`` (identity at alpha == 0).

    ``r2`` is ``|xi|**2``: the power is taken as ``(|xi|**2)**(alpha/2)``, no square root.
    The general path (per-channel orders, alpha-derivatives); :func:`_radial_fast` is the one
    for a scalar order.
    """
    zero = r2 == 0
    base2 = np.where(zero, 1.0, r2)
    mag = base2 ** (0.5 * alpha)
    identity = np.equal(alpha, 0)
    k = np.where(identity, 1.0, sign * mag)
    k = np.where(zero, np.where(identity, 1.0, 0.0), k)
    out = [k]
    if order:
        log_r = 0.5 * np.log(base2)
        term = np.where(zero, 0.0, sign * mag)
        for _ in range(order):
            term = term * log_r
            out.append(term)
    return out


def _squared_parts(ndim, grids):
    """``xi_j**2`` of each axis, shaped to broadcast along its own axis (float64, small)."""
    parts = []
    for ax, n, dx, half, _ in grids:
        xi = wavenumbers(n, dx, real=half)
        shape = [1] * ndim
        shape[ax] = xi.size
        parts.append((xi * xi).reshape(shape))
    return parts


def _radial_fast(ndim, grids, alpha, sign, dtype):
    """``sign * |xi|**alpha`` for a scalar ``alpha != 0``, built in ``dtype`` in 2-3 passes.

    ``|xi|**2`` is summed by broadcasting, the small per-axis parts first so that only the
    last addition runs over the full grid, and written straight in ``dtype`` (float32 for
    single-precision spectra: no cast afterwards). The zero mode, which is only at the origin,
    is patched to 1 before the power (so pow never sees 0) and to 0 after it; then the power
    in place, and for riesz a negation in place.
    """
    parts = sorted(_squared_parts(ndim, grids), key=lambda p: p.size)
    acc = parts[0]
    for p in parts[1:-1]:
        acc = acc + p  # lower-dimensional: cheap
    shape = np.broadcast_shapes(*(p.shape for p in parts))
    r2 = np.empty(shape, dtype)
    if len(parts) == 1:
        r2[...] = acc
    else:
        np.add(acc, parts[-1], out=r2, casting="same_kind")
    origin = (0,) * ndim
    r2[origin] = 1.0
    np.power(r2, 0.5 * alpha, out=r2)
    if sign < 0:
        np.negative(r2, out=r2)
    r2[origin] = 0.0
    return r2


def _taylor_product(a, b):
    """Return the derivatives of ``f*g`` from those of ``f`` and ``g`` (Leibniz's rule)."""
    return [sum(math.comb(m, j) * a[j] * b[m - j] for j in range(m + 1)) for m in range(len(a))]


def _grids(axes, ns, dxs, real):
    """Yield (axis, n, dx, half grid?, Nyquist index or None) per transformed axis."""
    for j, (ax, n, dx) in enumerate(zip(axes, ns, dxs)):
        # Both grids hold the Nyquist bin of even n at index n//2 (rfft: the last one).
        yield ax, n, dx, real and j == len(axes) - 1, (n // 2 if n % 2 == 0 else None)


def paired_range(ns_last: int, half: bool):
    """Bins of the half spectrum's last axis that stand for themselves and their twins.

    Bins ``1 .. m-2`` of the ``m = n//2 + 1`` bins of an even ``n`` (``1 .. m-1`` for odd
    ``n``): in a sum over the full spectrum they count twice. Returns ``(lo, hi)``, or None
    for a full spectrum. The one place the count-twice rule lives.
    """
    if not half:
        return None
    return 1, ns_last // 2 if ns_last % 2 == 0 else ns_last // 2 + 1


@lru_cache(maxsize=16)
def bin_weights(m, n_total, ns_last, half):
    """Return ``c / N`` for the ``m`` bins of the last axis (read-only).

    ``c`` is each bin's count in the full spectrum (:func:`paired_range`), ``N = n_total``.
    """
    weights = np.full(m, 1.0 / n_total)
    pair = paired_range(ns_last, half)
    if pair is not None:
        weights[pair[0]:pair[1]] *= 2.0
    weights.flags.writeable = False
    return weights


@lru_cache(maxsize=8)
def _weighted_log(n, dx):
    """``log(i xi) c / n`` on the half grid of length ``n`` (see :func:`weyl_half_kept`)."""
    out = _axis_grid(n, dx, True)[2] * bin_weights(n // 2 + 1, n, n, True)
    out.flags.writeable = False
    return out


@lru_cache(maxsize=8)
def _product_log(n, dx):
    out = _weighted_log(n, dx).copy()
    if n % 2 == 0:
        out[n // 2] = 0.0  # the Nyquist bin's term comes from the kept X there
    out.flags.writeable = False
    return out


def weyl_half_product_weights(ndim, ax, n, dx, alpha):
    r"""Return ``(L, w)``: the alpha-gradient's weights for the product ``P = K X``.

    On the half (rfft) grid of axis ``ax`` of a one-axis weyl plan with a float ``alpha`` (or
    per-channel orders, an array of size 1 on ``ax``: then ``w`` has their shape),
    :math:`\partial_\alpha K = K \log(i\xi)` at every bin but the Nyquist bin of an even ``n``,
    where the symbol is the real part of the principal value. So, with ``c`` each bin's count
    in the full spectrum,

    .. math:: \mathrm{Re}\sum\partial_\alpha K\,X\bar G\,c/n
              = \mathrm{Re}\sum L\,P\,\bar G + w\,\mathrm{Re}\,X_{n/2}\bar G_{n/2}

    with :math:`L = \log(i\xi)\,c/n` (0 at the zero mode and at the Nyquist bin) and
    :math:`w = \mathrm{Re}(|\xi|^\alpha e^{i\pi\alpha/2}\log(i\xi))/n` there (0 for odd ``n``).
    The autograd bridge keeps ``P`` from the forward of a large call, where it is the buffer
    the inverse transform reads anyway, instead of ``X``. ``L`` (read-only, double precision)
    is shaped to broadcast on axis ``ax`` of ``ndim`` dims and does not depend on ``alpha``.
    """
    logs = _product_log(n, dx)
    w = 0.0 if isinstance(alpha, float) else np.zeros(np.shape(alpha))
    if n % 2 == 0:
        c, s = _cos_sin_half_pi(alpha)
        mag = _axis_grid(n, dx, True)[0][n // 2] ** alpha
        log_nyquist = _weighted_log(n, dx)[n // 2]
        # Re(mag (c + is) L) for the principal value mag (c + is) of the symbol there
        w = mag * (c * log_nyquist.real - s * log_nyquist.imag)
        w = float(w) if isinstance(alpha, float) else w
    shape = [1] * ndim
    shape[ax] = logs.size
    return logs.reshape(shape), w


def weyl_half_kept(ndim, ax, n, dx, alpha, single=False):
    r"""Return ``(K, W)`` of the weyl symbol on the half (rfft) grid of axis ``ax``.

    For a float ``alpha``: ``K`` is :func:`grid_symbol`'s forward symbol (the same values) and
    :math:`W = \partial_\alpha K\,c/n` in double precision, with ``c`` each bin's count in
    the full spectrum (:func:`bin_weights`): the autograd bridge's kept symbols of a one-axis
    weyl plan, so that :math:`\partial L/\partial\alpha = \mathrm{Re}\sum W X\bar G`.
    Built as ``K * (log(i xi) c/n)`` with the zero-mode and Nyquist rules of ``dK``: one pass
    fewer than ``dK`` and a weighting, for an order that changes every step.
    """
    k = _weyl_phase(_axis_grid(n, dx, True), alpha, True)
    # Weighted before the Nyquist rule: there W = Re(L K)/n of the principal value K, which
    # is the real part of the product just taken (its count is 1); the symbol's own Nyquist
    # value is that K's real part. Two stores, not Python arithmetic on extracted scalars.
    weighted = k * _weighted_log(n, dx)
    if n % 2 == 0:
        weighted.imag[n // 2] = 0.0
        k.imag[n // 2] = 0.0
    k[0] = float(alpha == 0)
    # weighted[0] is 0 already: log(i xi) is set to 0 at xi = 0 and k there is finite
    if single:
        k = k.astype(np.complex64)
    if ndim == 1:
        return k, weighted
    shape = [1] * ndim
    shape[ax] = k.size
    return k.reshape(shape), weighted.reshape(shape)


# mode -> (order of the alpha-derivative, conjugated?)
MODES = {
    "forward": (0, False),
    "adjoint": (0, True),
    "dalpha": (1, False),
    "dalpha_adjoint": (1, True),
    "dalpha2": (2, False),
    "dalpha2_adjoint": (2, True),
}


def _derivatives(ndim, axes, ns, dxs, real, alpha, kind, order, cuts=None):
    """``[S, dS/da, ..., d^order S/da^order]`` of the symbol of ``kind`` on the grid.

    ``cuts`` (one slice per axis of ``axes``, or None) restricts the result to a block of the
    grid, e.g. one MPI rank's part of a distributed spectrum: the 1-D factors are built on the
    whole axis, so the zero-mode and Nyquist rules apply at their global indices, then cut.
    """
    grids = list(_grids(axes, ns, dxs, real))
    cuts = cuts or (slice(None),) * len(axes)

    def cut(a, ax, sl):
        return a[(slice(None),) * ax + (sl,)]

    if kind == "weyl":
        # Several axes: the product of the 1-D symbols, differentiated by Leibniz's rule.
        out = None
        for (ax, n, dx, half, nyq), sl in zip(grids, cuts):
            f = _weyl_1d(_axis_grid(n, dx, half), ax, ndim, nyq, alpha, order, half)
            if sl != slice(None):
                f = [cut(d, ax, sl) for d in f]
            out = f if out is None else _taylor_product(out, f)
        return out
    r2 = 0
    for p, (ax, *_), sl in zip(_squared_parts(ndim, grids), grids, cuts):
        r2 = r2 + cut(p, ax, sl)
    return _radial(r2, alpha, -1.0 if kind == "riesz" else 1.0, order)  # real: self-adjoint


def _single(a):
    return a.astype(np.complex64 if a.dtype.kind == "c" else np.float32)


def _build(ndim, axes, ns, dxs, real, alpha, kind, mode, single=False):
    """Build (uncached) the symbol of :func:`grid_symbol`."""
    if mode == "both":
        out = tuple(_derivatives(ndim, axes, ns, dxs, real, alpha, kind, 1))
        return tuple(_single(a) for a in out) if single else out
    try:
        order, conj = MODES[mode]
    except KeyError:
        raise ValueError(f"unknown symbol mode {mode!r}") from None
    if kind != "weyl" and order == 0 and isinstance(alpha, float) and alpha != 0.0:
        # The PDE loop's case (fractional_laplacian, riesz): the fewest passes over memory.
        grids = list(_grids(axes, ns, dxs, real))
        return _radial_fast(ndim, grids, alpha, -1.0 if kind == "riesz" else 1.0,
                            np.float32 if single else np.float64)
    s = _derivatives(ndim, axes, ns, dxs, real, alpha, kind, order)[order]
    if conj and s.dtype.kind == "c":
        s = np.conj(s)
    return _single(s) if single else s


# Symbols are cached per (grid, order, kind, mode, precision) in one byte-bounded LRU that
# admits a key on its second request (see fracfft._cache): a fixed-order time loop pays the
# transforms and the multiply only, a learned order that changes every step leaves nothing.
_CACHE = ByteLRU(default_max_bytes())


def _alpha_key(alpha):
    """Hashable key of the order: the float itself, or a per-channel array's shape and bytes.

    Per-channel orders are cached by content: a 128-bit BLAKE2 digest of their float64 bytes,
    so the key stays small whatever the number of channels.
    """
    if isinstance(alpha, float):
        return alpha
    a = np.ascontiguousarray(alpha, dtype=np.float64)
    return ("channels", a.shape, hashlib.blake2b(a.tobytes(), digest_size=16).digest())


def grid_symbol(ndim, axes, ns, dxs, real, alpha, kind, mode, single=False):
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
    mode : {"forward", "adjoint", "dalpha", "dalpha_adjoint", "dalpha2", "dalpha2_adjoint", "both"}
        ``K``, its adjoint ``conj(K)``, ``dK/dalpha`` and its conjugate, ``d2K/dalpha2`` and
        its conjugate, or the pair ``(K, dK/dalpha)`` from one evaluation.
    single : bool, optional
        Return complex64/float32 (for single-precision spectra) instead of complex128/float64.

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray
        complex (weyl) or real (riesz, laplacian) symbols, read-only (shared through the
        symbol cache, see :func:`set_symbol_cache`).
    """
    key = (ndim, axes, ns, dxs, real, _alpha_key(alpha), kind, mode, single)
    return _CACHE.get(key, lambda: _build(ndim, axes, ns, dxs, real, alpha, kind, mode, single))


def set_symbol_cache(max_bytes):
    """Set the memory budget of the symbol cache, in bytes; return the previous budget.

    Operators cache the Fourier symbols they multiply by, per grid (shape, axes, ``dx``, half
    or full spectrum), kind, order, mode and precision, so that repeated calls with the same
    order on the same grid -- a PDE time loop -- cost only the transforms and one multiply.
    The cache is a least-recently-used store bounded in bytes: it never holds more than
    ``max_bytes``, a symbol larger than the budget is not stored, and a symbol is stored only
    at its second request, so an order that changes at every call (a learned alpha) leaves
    nothing behind. Per-channel orders are cached by their values. Cached arrays are read-only.
    Beside it, the autograd bridge keeps the symbols of its last four small calls (a few
    hundred KiB each, at most 3 MiB) and nothing while the budget is 0.

    The default budget is 256 MiB, or the value of the environment variable
    ``FRACFFT_SYMBOL_CACHE_BYTES`` (bytes, or with a suffix: ``"64M"``, ``"1G"``) when the
    package is imported.

    Parameters
    ----------
    max_bytes : int or str
        New budget in bytes (``"512M"`` style strings are accepted); ``0`` disables the cache.
        Lowering it evicts least recently used symbols at once.

    Returns
    -------
    int
        The previous budget in bytes.

    Raises
    ------
    ValueError
        ``max_bytes`` negative or an unreadable string.
    TypeError
        ``max_bytes`` neither an int nor a string.

    See Also
    --------
    symbol_cache_info : bytes and entries held, hits and misses.

    Examples
    --------
    >>> import fracfft
    >>> old = fracfft.set_symbol_cache("64M")
    >>> fracfft.symbol_cache_info().max_bytes
    67108864
    >>> _ = fracfft.set_symbol_cache(old)
    """
    return _CACHE.set_max_bytes(max_bytes)


def symbol_cache_info():
    """Return the state of the symbol cache (see :func:`set_symbol_cache`).

    Returns
    -------
    CacheInfo
        Named tuple ``(max_bytes, nbytes, entries, hits, misses)``: the budget, the bytes and
        the number of symbols held, and the lookups that found or missed a symbol.

    Examples
    --------
    >>> import fracfft
    >>> info = fracfft.symbol_cache_info()
    >>> info.nbytes <= info.max_bytes
    True
    """
    return _CACHE.info()


def symbol(n, alpha, *, axes=None, dx=1.0, kind="weyl", real=False):
    r"""Return the Fourier symbol :math:`K_\alpha(\xi)` that the operators multiply by.

    On each transformed axis ``xi = 2*pi*fftfreq(n, dx)`` (``rfftfreq`` when ``real``), and

    * ``kind="weyl"``:
      :math:`K = (i\xi)^\alpha = |\xi|^\alpha e^{i\,\mathrm{sign}(\xi)\pi\alpha/2}`,
      with the Nyquist bin of even ``n`` equal to :math:`|\xi|^\alpha\cos(\pi\alpha/2)`;
      over several axes the product of the 1-D symbols (each with its own Nyquist rule);
    * ``kind="riesz"``: :math:`K = -|\xi|^\alpha`, with :math:`|\xi|` the Euclidean norm
      of the wavenumber vector over ``axes`` (isotropic);

    ``K(0) = 0`` for ``alpha != 0`` (at the zero mode: where every transformed wavenumber is
    0 for riesz, where any one is for weyl), and ``K = 1`` everywhere when ``alpha == 0``.

    Called with a shape, it returns the array that :func:`derivative` multiplies the spectrum
    by, broadcastable against ``fftn(x, axes=axes)`` (or ``rfftn`` when ``real``), so

    ``irfftn(rfftn(x, axes=axes) * symbol(x.shape, a, axes=axes, real=True), s=..., axes=axes)``

    equals ``derivative(x, a, axes)`` for real ``x`` (``s`` the lengths of ``x`` along ``axes``).
    The symbol of :func:`fractional_laplacian`, :math:`|\xi|^{2s}`, is
    ``-symbol(shape, 2*s, axes=axes, kind="riesz")`` for ``s != 0`` (at ``s == 0`` both
    operators are the identity, and that expression would be ``-1``). This is what an
    exponential integrator needs: ``numpy.exp(-dt * L)`` with that ``L``.

    Parameters
    ----------
    n : int or tuple of int
        An int: the length of one axis (the original 1-D form). A tuple: the shape of the
        array the symbol will multiply the spectrum of.
    alpha : float or array_like
        The order, any finite real number. 1-D form: an array gives one symbol per entry, of
        shape ``alpha.shape + (m,)``. Shape form: one order per channel, an array that
        broadcasts against ``n`` and has size 1 along ``axes`` (as in :func:`derivative`).
    axes : int or tuple of int, optional
        Shape form only: the transformed axes; all axes by default.
    dx : float or tuple of float, optional
        Grid spacing, one value or one per axis.
    kind : {"weyl", "riesz"}, optional
        Symbol family.
    real : bool, optional
        Sample the last of ``axes`` on the ``rfftfreq`` half grid (``m = n//2 + 1`` entries)
        instead of ``fftfreq`` (``m = n``).

    Returns
    -------
    numpy.ndarray
        A new array. 1-D form: complex128 of shape ``(m,)`` (or ``alpha.shape + (m,)``).
        Shape form: ``len(n)`` dimensions with the grid's length on ``axes`` (``m`` on the
        last one when ``real``) and the channels' sizes or 1 elsewhere; complex128 for weyl,
        float64 for riesz (its symbol is real).

    Raises
    ------
    ValueError
        A length below 1, non-finite ``alpha``, ``dx`` not positive, an unknown or causal
        ``kind`` (use :func:`fracfft.weights`), repeated axes, or a per-channel ``alpha``
        with size > 1 along ``axes``.
    TypeError
        A length that is not an integer.
    numpy.exceptions.AxisError
        An axis out of range.

    Examples
    --------
    >>> import numpy as np, fracfft
    >>> fracfft.symbol(4, 1.0).round(12)
    array([0.+0.j        , 0.+1.57079633j, 0.+0.j        , 0.-1.57079633j])

    The isotropic symbol of :math:`(-\Delta)^{1/2}` on a 4 x 6 grid of period :math:`2\pi`,
    half spectrum on the last axis, and one step of fractional diffusion with it:

    >>> dx = (2 * np.pi / 4, 2 * np.pi / 6)
    >>> L = -fracfft.symbol((4, 6), 1.0, dx=dx, kind="riesz", real=True)
    >>> L.shape, L.dtype
    ((4, 4), dtype('float64'))
    >>> bool(np.isclose(L[1, 1], np.hypot(1, 1)))
    True
    >>> from scipy.fft import irfftn, rfftn
    >>> u = np.random.default_rng(0).standard_normal((4, 6))
    >>> v = irfftn(rfftn(u) * np.exp(-0.1 * L), s=u.shape)
    >>> bool(np.isclose(v.mean(), u.mean()))  # the zero mode is kept: exp(0) = 1
    True
    """
    if not isinstance(n, (tuple, list, np.ndarray)) and axes is None:
        return _symbol_1d(n, alpha, dx, kind, real)
    shape = tuple(np.atleast_1d(np.asarray(n)).tolist()) if not isinstance(n, tuple) else n
    try:
        shape = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"n must be an int or a tuple of ints; got {n!r}") from None
    if not shape or min(shape) < 1:
        raise ValueError(f"n must be a non-empty shape of positive lengths; got {n!r}")
    axes = _validate.normalize_axes(tuple(range(len(shape))) if axes is None else axes,
                                    len(shape), "axes")
    dxs = _validate.normalize_dx(dx, len(axes))
    kind = _validate.normalize_periodic_kind(kind)
    a = _validate.normalize_alpha(alpha, shape, axes)
    k = grid_symbol(len(shape), axes, tuple(shape[ax] for ax in axes), dxs, bool(real), a, kind,
                    "forward")
    return np.array(k, copy=True)  # the cached array is shared and read-only


def _symbol_1d(n, alpha, dx, kind, real):
    n = _validate.normalize_length(n)
    kind = _validate.normalize_periodic_kind(kind)
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
