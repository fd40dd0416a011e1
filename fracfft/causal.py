r"""Weights of the causal kinds (gl, gl2, caputo) and their spectra on a zero-padded grid.

A causal kind is the lower-triangular Toeplitz operator :math:`y_n = \sum_{k\le n} c_k u_{n-k}`
with

* ``"gl"``: :math:`c_k = h^{-\alpha} [z^k] (1 - z)^\alpha` (Grünwald–Letnikov),
* ``"gl2"``: :math:`c_k = h^{-\alpha} [z^k] \bigl((3 - 4z + z^2)/2\bigr)^\alpha` (Lubich's
  second-order convolution quadrature, BDF2),
* ``"caputo"``: :math:`c_k = \frac{h^{-\alpha}}{\Gamma(2-\alpha)}(b_k - b_{k-1})`,
  :math:`b_{-1} = 0`, :math:`b_0 = 1`, :math:`b_k = (k+1)^{1-\alpha} - k^{1-\alpha}`
  (the L1 scheme, applied to :math:`u = x - x_0`).

How they are computed, in float64:

* gl by the recurrence :math:`w_k = w_{k-1}(k - 1 - \alpha)/k` (J.C.P. Miller's recurrence
  for :math:`(1 - z)^\alpha`, :mod:`fracfft._causal_kernels`), a relative error of about
  :math:`k\,\epsilon/10` at index :math:`k`;
* gl2 as the product :math:`(3/2)^\alpha (1 - z)^\alpha (1 - z/3)^\alpha` of two such series,
  the second one cut where :math:`3^{-k}` falls below float64's resolution (a few ulps more
  than gl; the three-term Miller recurrence of :math:`1 - \tfrac43 z + \tfrac13 z^2` loses up
  to a factor 50 more for orders above 2);
* caputo's second difference :math:`(k+1)^\beta - 2k^\beta + (k-1)^\beta`
  (:math:`\beta = 1 - \alpha`) directly for :math:`k < 4`, and for :math:`k \ge 4`, where
  the three terms cancel to a relative :math:`k^{-2}`, by the even series
  :math:`2k^\beta\sum_{m\ge1}\binom{\beta}{2m}k^{-2m}`, which has no cancellation.

The alpha-derivatives of order 1 and 2 are exact: the recurrences differentiated, and the
scalar factors (:math:`h^{-\alpha}`, :math:`(3/2)^\alpha`, :math:`1/\Gamma(2-\alpha)`)
by Leibniz's rule. The spectra of the weights on a padded length :math:`L \ge 2N - 1` turn
the convolution into a symbol multiply on the padded grid (no wrap-around reaches the first
:math:`N` samples); :func:`fracfft._core.symbol` keeps them in the byte-bounded symbol cache
(:func:`fracfft.set_symbol_cache`) with the periodic symbols.
"""

from __future__ import annotations

import math
from functools import lru_cache  # padded_length only

import numpy as np

from . import _validate

__all__ = ["weights"]

_ONE_MINUS_Z = np.array([1.0, -1.0])
# log of the factor in front: (3 - 4z + z^2)/2 = (3/2) (1 - z) (1 - z/3).
_LOG_FRONT = {"gl": 0.0, "gl2": math.log(1.5)}


def _gl2_terms(alpha: np.ndarray) -> int:
    """Terms of the 3^-k series that reach float64: 3^-J J^(|a|+1) < 1e-25 relative."""
    return 64 + 4 * int(math.ceil(float(np.max(np.abs(alpha)))))

_CAPUTO_SERIES_FROM = 4  # k >= this: the even series; below: the direct second difference
_CAPUTO_TERMS = 20  # 16**-20 < 1e-24: the series is exact to float64 from k = 4 on


@lru_cache(maxsize=256)
def padded_length(n: int) -> int:
    r"""Smallest :math:`2^a 3^b 5^c \ge 2n - 1`: fast for every backend, manual included."""
    target = max(2 * n - 1, 1)
    best = 1 << (target - 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            p = p35
            while p < target:
                p *= 2
            best = min(best, p)
            p35 *= 3
        p5 *= 5
    return best


def _scalar_jets(alpha: np.ndarray, log_q: float, order: int):
    """``(s, s', s'')[:order+1]`` of ``s = exp(alpha * log_q)``, each shaped ``(C, 1)``."""
    s = np.exp(alpha * log_q)[:, None]
    return [s, s * log_q, s * log_q**2][: order + 1]


def _caputo_scalar_jets(alpha: np.ndarray, dx: float, order: int):
    r"""Jets of :math:`g(\alpha) = h^{-\alpha}/\Gamma(2-\alpha)` (``(C, 1)`` each)."""
    from scipy import special

    g = (np.exp(-alpha * math.log(dx)) / special.gamma(2.0 - alpha))[:, None]
    if order == 0:
        return [g]
    h = (special.digamma(2.0 - alpha) - math.log(dx))[:, None]
    out = [g, g * h]
    if order >= 2:
        out.append(g * (h * h - special.polygamma(1, 2.0 - alpha)[:, None]))
    return out


def _caputo_jets(alpha: np.ndarray, n: int, order: int) -> np.ndarray:
    """Jets in alpha of ``b_k - b_{k-1}`` (no scalar factor), shape ``(order+1, C, n)``."""
    beta = (1.0 - alpha)[:, None]
    out = np.zeros((order + 1, alpha.size, n))
    out[0, :, 0] = 1.0  # b_0 = 1 for every order
    if n > 1:  # c_1 = 2**beta - 2
        t = np.power(2.0, beta[:, 0])  # pow, not exp(log): exact at the ends alpha = 0, 1
        logs = [1.0, -math.log(2.0), math.log(2.0) ** 2]  # d/dalpha = -d/dbeta
        for m in range(order + 1):
            out[m, :, 1] = t * logs[m] - (2.0 if m == 0 else 0.0)
    k_direct = np.arange(2, min(n, _CAPUTO_SERIES_FROM), dtype=np.float64)
    if k_direct.size:
        for shift, weight in ((1.0, 1.0), (0.0, -2.0), (-1.0, 1.0)):
            lt = np.log(k_direct + shift)
            t = weight * np.power(k_direct + shift, beta)
            for m in range(order + 1):
                out[m, :, 2:2 + k_direct.size] += t * (-lt) ** m
    if n > _CAPUTO_SERIES_FROM:
        k = np.arange(_CAPUTO_SERIES_FROM, n, dtype=np.float64)
        inv2 = 1.0 / (k * k)
        # binom(beta, j) and its beta-derivatives by the product recurrence (no 1/(beta - i)).
        b, db, d2b = np.ones_like(beta), np.zeros_like(beta), np.zeros_like(beta)
        sums = [np.zeros((alpha.size, k.size)) for _ in range(order + 1)]
        power = np.ones_like(k)
        for j in range(1, 2 * _CAPUTO_TERMS + 1):
            f = beta - (j - 1)
            b, db, d2b = b * f / j, (db * f + b) / j, (d2b * f + 2.0 * db) / j
            if j % 2:
                continue
            power = power * inv2
            for m, coeff in enumerate((b, db, d2b)[: order + 1]):
                sums[m] += coeff * power
        lk = np.log(k)
        t = 2.0 * np.power(k, beta)
        s = out[:, :, _CAPUTO_SERIES_FROM:]
        s[0] = t * sums[0]
        if order >= 1:  # d/dalpha = -d/dbeta of t * S0
            s[1] = -t * (lk * sums[0] + sums[1])
        if order >= 2:
            s[2] = t * (lk * lk * sums[0] + 2.0 * lk * sums[1] + sums[2])
    return out


def _leibniz(scalar, series, order):
    """Return the ``order``-th alpha-derivative of ``scalar * series`` from both jets."""
    coeffs = {0: (1,), 1: (1, 1), 2: (1, 2, 1)}[order]
    return sum(c * scalar[i] * series[order - i] for i, c in enumerate(coeffs))


def weight_jets(n: int, alpha, kind: str, dx: float, order: int) -> np.ndarray:
    """Weights and their alpha-derivatives up to ``order``: shape ``(order+1, C, n)``.

    ``alpha`` is a float or a 1-D float64 array of ``C`` orders (a float gives ``C = 1``).
    """
    alpha = np.atleast_1d(np.asarray(alpha, dtype=np.float64))
    if kind == "caputo":
        scalar = _caputo_scalar_jets(alpha, dx, order)
        series = _caputo_jets(alpha, n, order)
    else:
        from . import _causal_kernels

        scalar = _scalar_jets(alpha, _LOG_FRONT[kind] - math.log(dx), order)
        series = _causal_kernels.jets(alpha, _ONE_MINUS_Z, n, order)
        if kind == "gl2":
            # (1 - z/3)^a: the gl coefficients times 3^-k, negligible beyond _gl2_terms.
            m = min(n, _gl2_terms(alpha))
            u = series[:, :, :m] * np.power(3.0, -np.arange(m))
            series = _causal_kernels.product_jets(u, series, np.empty_like(series))
    return np.stack([_leibniz(scalar, series, m) for m in range(order + 1)])


def _axis_spectra(ndim, ax, n, length, dx, half, alpha, kind, orders):
    """Spectra of the weights' ``orders`` derivatives on one axis, broadcastable on the grid."""
    m = length // 2 + 1 if half else length
    if isinstance(alpha, float):
        w = weight_jets(n, alpha, kind, dx, max(orders))[:, 0]
        specs = [np.fft.rfft(w[o], length) if half else np.fft.fft(w[o], length)
                 for o in orders]
        shape = [1] * ndim
        shape[ax] = m
        return [s.reshape(shape) for s in specs]
    # One order per channel: alpha has size 1 on ax, so its ravel order is that of the others.
    w = weight_jets(n, alpha.ravel(), kind, dx, max(orders))
    lead = alpha.shape[:ax] + alpha.shape[ax + 1:]
    out = []
    for o in orders:
        s = np.fft.rfft(w[o], length, axis=-1) if half else np.fft.fft(w[o], length, axis=-1)
        out.append(np.moveaxis(s.reshape(lead + (m,)), -1, ax))
    return out


_MODE_ORDER = {"forward": 0, "adjoint": 0, "dalpha": 1, "dalpha_adjoint": 1, "dalpha2": 2,
               "dalpha2_adjoint": 2, "both": 1}


def grid_spectrum(ndim, axes, ns, lengths, dxs, real, alpha, kind, mode):
    """Symbol of a causal kind on the padded grid, broadcastable against the spectrum.

    Parameters
    ----------
    ndim : int
        Dimensions of the array.
    axes, ns, lengths, dxs : tuple
        Transformed axes, their data lengths, padded transform lengths and spacings.
    real : bool
        True for the half (rfft) grid along the last of ``axes``.
    alpha : float or numpy.ndarray
        The order; an array has ``ndim`` dims and size 1 on ``axes``.
    kind : {"gl", "gl2", "caputo"}
        The causal kind.
    mode : str
        "forward" (K), "adjoint" (conj K: the transpose operator), "dalpha" (dK/dalpha),
        "dalpha_adjoint", "dalpha2" (d2K/dalpha2), "dalpha2_adjoint", or "both" ((K, dK)).

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray
        complex128; several axes give the product of the per-axis spectra (Leibniz's rule for
        the derivatives).
    """
    if mode not in _MODE_ORDER:
        raise ValueError(f"unknown symbol mode {mode!r}; choose from {', '.join(_MODE_ORDER)}")
    order = _MODE_ORDER[mode]
    top = order if len(axes) > 1 or mode == "both" else None
    orders = list(range(order + 1)) if top is not None else [order]
    jet = None
    for j, (ax, n, length, dx) in enumerate(zip(axes, ns, lengths, dxs)):
        half = real and j == len(axes) - 1
        specs = _axis_spectra(ndim, ax, n, length, dx, half, alpha, kind, orders)
        if jet is None:
            jet = specs
            continue
        # Truncated product of Taylor jets in alpha: (a*b)^(m) = sum binom(m, i) a^(i) b^(m-i).
        jet = [sum(math.comb(m, i) * jet[i] * specs[m - i] for i in range(m + 1))
               for m in range(len(orders))]
    if mode == "both":
        return jet[0], jet[1]
    k = jet[-1]
    return np.conj(k) if mode.endswith("adjoint") else k


def check_alpha(kind: str, alpha, name: str = "alpha") -> None:
    """Raise ValueError for a caputo order outside ``[0, 1]`` (every entry of an array)."""
    if kind != "caputo":
        return
    a = np.asarray(alpha, dtype=np.float64)
    if not np.all((a >= 0.0) & (a <= 1.0)):
        bad = a[~((a >= 0.0) & (a <= 1.0))].ravel()[0]
        raise ValueError(f"{name} must lie in [0, 1] for kind='caputo' (the L1 scheme); got "
                         f"{bad!r}. Use kind='gl' or 'gl2' for other orders.")


def weights(n, alpha, *, kind="gl", dx=1.0):
    r"""Convolution weights :math:`c_0, \dots, c_{n-1}` of a causal kind, in float64.

    ``derivative(x, alpha, kind=kind, dx=dx)`` equals
    ``numpy.convolve(u, weights(N, alpha, kind=kind, dx=dx))[:N]`` with ``u = x`` (gl, gl2)
    or ``u = x - x[0]`` (caputo):

    * ``"gl"``: :math:`c_k = h^{-\alpha}(-1)^k\binom{\alpha}{k}`, the coefficients of
      :math:`h^{-\alpha}(1 - z)^\alpha`;
    * ``"gl2"``: the coefficients of :math:`h^{-\alpha}\bigl((3 - 4z + z^2)/2\bigr)^\alpha`;
    * ``"caputo"``: :math:`c_k = \frac{h^{-\alpha}}{\Gamma(2-\alpha)}(b_k - b_{k-1})`,
      :math:`b_{-1} = 0`, :math:`b_0 = 1`, :math:`b_k = (k+1)^{1-\alpha} - k^{1-\alpha}`.

    Parameters
    ----------
    n : int
        Number of weights (>= 1).
    alpha : float or array_like
        The order: any finite real for gl and gl2, ``0 <= alpha <= 1`` for caputo. An array
        gives one row of weights per entry, shape ``alpha.shape + (n,)``.
    kind : {"gl", "gl2", "caputo"}, optional
        The causal kind.
    dx : float, optional
        Grid spacing :math:`h`.

    Returns
    -------
    numpy.ndarray
        float64 weights, a new array.

    Raises
    ------
    ValueError
        ``n < 1``; a periodic or unknown ``kind``; non-finite ``alpha``; caputo ``alpha``
        outside ``[0, 1]``; ``dx`` not positive and finite.
    TypeError
        A non-integer ``n``.

    Examples
    --------
    >>> import fracfft
    >>> fracfft.weights(4, 0.5)
    array([ 1.    , -0.5   , -0.125 , -0.0625])
    >>> fracfft.weights(3, 1.0, kind="gl2")
    array([ 1.5, -2. ,  0.5])
    """
    n = _validate.normalize_length(n)
    kind = _validate.normalize_kind(kind)
    if kind not in _validate.CAUSAL_KINDS:
        raise ValueError(f"weights are defined for the causal kinds "
                         f"{', '.join(map(repr, _validate.CAUSAL_KINDS))}; got {kind!r}")
    (dx,) = _validate.normalize_dx(dx, 1)
    a = np.asarray(alpha, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"alpha must be finite; got {alpha!r}")
    check_alpha(kind, a)
    w = weight_jets(n, a.ravel(), kind, dx, 0)[0]
    return w.reshape(a.shape + (n,))
