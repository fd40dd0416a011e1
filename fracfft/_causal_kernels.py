r"""Numba kernel of the causal weights: J.C.P. Miller's recurrence with its alpha-derivatives.

The coefficients :math:`v_k` of :math:`p(z)^\alpha` for a polynomial :math:`p` with
:math:`p_0 = 1` satisfy :math:`v_0 = 1` and

.. math:: k\,v_k = \sum_{j=1}^{\min(k, d)} \bigl((\alpha + 1) j - k\bigr)\, p_j\, v_{k-j},

(Miller, see Henrici, *Applied and Computational Complex Analysis* I, §1.6). Differentiating
in :math:`\alpha` once and twice gives the same recurrence for :math:`\partial_\alpha v_k`
and :math:`\partial^2_\alpha v_k` with one extra term each, so the exact derivatives come
from one pass and no division by :math:`\alpha - k` ever happens (integer orders included).

The second-order kind uses :math:`(1 - \tfrac43 z + \tfrac13 z^2)^\alpha =
(1 - z)^\alpha (1 - z/3)^\alpha` instead (:func:`product_jets`): the product of two first-order
series, the second one decaying like :math:`3^{-k}`, is an order of magnitude more accurate than
the three-term recurrence for large orders.

Imported only when a causal weight is first computed: importing :mod:`fracfft` compiles
nothing.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def miller_jets(alphas, p, out):  # pragma: no cover - compiled
    """Fill ``out[m, c, k]`` with the ``m``-th alpha-derivative of ``[z^k] p(z)**alphas[c]``.

    ``out`` has shape ``(order + 1, C, n)`` with ``order`` 0, 1 or 2; ``p[0]`` must be 1.
    """
    order = out.shape[0] - 1
    n = out.shape[2]
    deg = p.shape[0] - 1
    for c in range(alphas.shape[0]):
        a = alphas[c]
        v = out[0, c]
        v[0] = 1.0
        if order >= 1:
            out[1, c, 0] = 0.0
        if order >= 2:
            out[2, c, 0] = 0.0
        for k in range(1, n):
            s0 = 0.0
            s1 = 0.0
            s2 = 0.0
            for j in range(1, min(k, deg) + 1):
                # a*j + (j - k): the integer part exactly, so tiny orders keep their digits.
                coef = (a * j + (j - k)) * p[j]
                s0 += coef * v[k - j]
                if order >= 1:
                    s1 += j * p[j] * v[k - j] + coef * out[1, c, k - j]
                if order >= 2:
                    s2 += 2.0 * j * p[j] * out[1, c, k - j] + coef * out[2, c, k - j]
            v[k] = s0 / k
            if order >= 1:
                out[1, c, k] = s1 / k
            if order >= 2:
                out[2, c, k] = s2 / k
    return out


@numba.njit(cache=True)
def product_jets(u, w, out):  # pragma: no cover - compiled
    """``out[m, c, k] = sum_j sum_i binom(m, i) u[i, c, j] w[m - i, c, k - j]`` (Leibniz).

    ``u`` holds the first ``J`` coefficients of the fast-decaying factor (the sum stops there),
    ``w`` and ``out`` the full length ``n``; both carry the jets of orders 0 .. ``order``.
    """
    order = out.shape[0] - 1
    big_j = u.shape[2]
    n = out.shape[2]
    for c in range(out.shape[1]):
        for m in range(order + 1):
            for k in range(n):
                s = 0.0
                for j in range(min(k + 1, big_j)):
                    if m == 0:
                        s += u[0, c, j] * w[0, c, k - j]
                    elif m == 1:
                        s += u[0, c, j] * w[1, c, k - j] + u[1, c, j] * w[0, c, k - j]
                    else:
                        s += (u[0, c, j] * w[2, c, k - j] + 2.0 * u[1, c, j] * w[1, c, k - j]
                              + u[2, c, j] * w[0, c, k - j])
                out[m, c, k] = s
    return out


def jets(alphas: np.ndarray, p: np.ndarray, n: int, order: int) -> np.ndarray:
    """Return ``(order + 1, len(alphas), n)`` float64 coefficients of ``p(z)**alpha``."""
    out = np.empty((order + 1, alphas.shape[0], n))
    miller_jets(np.ascontiguousarray(alphas, dtype=np.float64),
                np.ascontiguousarray(p, dtype=np.float64), out)
    return out
