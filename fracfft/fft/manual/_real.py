r"""Numba kernels of the manual real FFT (rfft / irfft rows).

Even :math:`n = 2h`: the real row is read as :math:`z_j = x_{2j} + i x_{2j+1}`, one complex
DFT of length :math:`h` gives :math:`Z`, and

.. math:: X_k = \tfrac12\big(Z_k + \overline{Z_{h-k}}\big)
              - \tfrac{i}{2} w^k \big(Z_k - \overline{Z_{h-k}}\big), \quad w = e^{-2\pi i/n},

for :math:`k = 0..h` (:math:`Z_h \equiv Z_0`); the inverse runs the same split backwards.
Odd :math:`n` takes the full complex transform of length :math:`n` (correct, not the fastest).
As in :mod:`scipy.fft`, the inverse ignores the imaginary parts of the zero and (even ``n``)
Nyquist bins.
"""

from __future__ import annotations

import numpy as np
from numba import prange
from numba import types as nt

from ._jit import helper, kernel
from ._kernels import _fft_core


@helper
def _r2c_row(xr, outr, scale, radices, tw, chirp, filt, post, b0, b1):
    nb = outr.size  # n//2 + 1 output bins
    m = xr.size
    if post.size == 0:  # odd n: full complex transform
        n = 2 * nb - 1
        lim = min(m, n)
        for i in range(lim):
            b0[i] = xr[i]
        for i in range(lim, n):
            b0[i] = 0
        res = _fft_core(b0, b1, n, radices, tw, chirp, filt)
        for k in range(nb):
            outr[k] = res[k] * scale
        return
    h = nb - 1
    n = 2 * h
    lim = min(m, n)
    for j in range(lim // 2):
        b0[j] = complex(xr[2 * j], xr[2 * j + 1])
    if lim % 2:
        b0[lim // 2] = xr[lim - 1]
        start = lim // 2 + 1
    else:
        start = lim // 2
    for j in range(start, h):
        b0[j] = 0
    z = _fft_core(b0, b1, h, radices, tw, chirp, filt)
    for k in range(nb):
        zk = z[k % h]
        zc = z[(h - k) % h].conjugate()
        outr[k] = ((zk + zc) * 0.5 + post[k] * (zk - zc)) * scale


@helper
def _c2r_row(xr, outr, scale, radices, tw, chirp, filt, pre, b0, b1):
    n = outr.size
    m = xr.size
    nb = n // 2 + 1
    lim = min(m, nb)
    if pre.size == 0:  # odd n: rebuild the full Hermitian spectrum, conjugated (inverse)
        b0[0] = xr[0].real if lim > 0 else 0
        for k in range(1, lim):
            v = xr[k]
            b0[k] = v.conjugate()
            b0[n - k] = v
        for k in range(lim, nb):
            b0[k] = 0
            b0[n - k] = 0
        res = _fft_core(b0, b1, n, radices, tw, chirp, filt)
        for j in range(n):
            outr[j] = res[j].real * scale
        return
    h = n // 2
    # Z_k = (X_k + conj X_{h-k}) + pre_k (X_k - conj X_{h-k}), stored conjugated (inverse).
    for k in range(h):
        if k == 0:
            xk = xr[0].real if lim > 0 else 0.0
            xc = xr[h].real if lim > h else 0.0
            xk = complex(xk, 0.0)
            xc = complex(xc, 0.0)
        else:
            xk = xr[k] if k < lim else 0
            xc = xr[h - k].conjugate() if h - k < lim else 0
        b0[k] = ((xk + xc) + pre[k] * (xk - xc)).conjugate()
    z = _fft_core(b0, b1, h, radices, tw, chirp, filt)
    for j in range(h):
        outr[2 * j] = z[j].real * scale
        outr[2 * j + 1] = -z[j].imag * scale


def _r2c_sig(f, c):
    return nt.void(f[:, ::1], c[:, ::1], f, nt.int64[::1], c[::1], c[::1], c[::1], c[::1],
                   nt.int64)


def _c2r_sig(f, c):
    return nt.void(c[:, ::1], f[:, ::1], f, nt.int64[::1], c[::1], c[::1], c[::1], c[::1],
                   nt.int64)


@kernel(_r2c_sig, parallel=True)
def r2c_rows(x, out, scale, radices, tw, chirp, filt, post, nchunks):
    """Real-input DFT of each row: ``out[r, k]``, ``k = 0..n//2``.

    Parameters
    ----------
    x : (rows, m) float32 or float64 C-contiguous array
        Real rows, zero padded or cropped to ``n`` (``out.shape[1] == n//2 + 1``; ``n`` is
        odd exactly when ``post`` is empty); not modified.
    out : (rows, n//2 + 1) complex array of the matching precision
        Output, written in place.
    scale : float
        Factor applied to every output value.
    radices, tw, chirp, filt, post : arrays
        :func:`fracfft.fft.manual._plans.real_plan` of ``n`` (its ``pre`` unused).
    nchunks : int
        Number of row chunks run concurrently (one per thread; 1 = serial).
    """
    rows = x.shape[0]
    for c in prange(nchunks):
        b0 = np.empty_like(tw)
        b1 = np.empty_like(tw)
        for r in range(c * rows // nchunks, (c + 1) * rows // nchunks):
            _r2c_row(x[r], out[r], scale, radices, tw, chirp, filt, post, b0, b1)


@kernel(_c2r_sig, parallel=True)
def c2r_rows(x, out, scale, radices, tw, chirp, filt, pre, nchunks):
    """Real inverse DFT of each half-spectrum row: ``out[r, j]``, ``j = 0..n-1``.

    Parameters
    ----------
    x : (rows, m) complex64 or complex128 C-contiguous array
        Half spectra, zero padded or cropped to ``n//2 + 1`` bins; not modified.
    out : (rows, n) real array of the matching precision
        Output, written in place.
    scale : float
        Factor applied to every output value (``1/n`` for the normalised inverse).
    radices, tw, chirp, filt, pre : arrays
        :func:`fracfft.fft.manual._plans.real_plan` of ``n`` (its ``post`` unused).
    nchunks : int
        Number of row chunks run concurrently (one per thread; 1 = serial).
    """
    rows = x.shape[0]
    for c in prange(nchunks):
        b0 = np.empty_like(tw)
        b1 = np.empty_like(tw)
        for r in range(c * rows // nchunks, (c + 1) * rows // nchunks):
            _c2r_row(x[r], out[r], scale, radices, tw, chirp, filt, pre, b0, b1)
