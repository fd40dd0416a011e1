"""Numba CPU kernels that multiply spectra by a small precomputed symbol, and its alpha-reduction.

The symbol itself (zero mode, Nyquist rule, isotropic riesz, product weyl) is computed once by
:mod:`fracfft.symbols` and arrives here as an array; these kernels only apply it. Arrays come
in a canonical 4-D form built by :func:`fracfft._device.canonical` (``spec`` of shape
``(A, B, C, D)``, C-contiguous, and the symbol of shape ``(B, D)``): every broadcast of a
symbol over a spectrum is one of these after merging neighbouring dimensions.

* :data:`multiply` -- ``spec[a, b, c, d] *= sym[b, d]`` in place.
* :data:`reduce_multiply` -- ``out[t, b, d] = sum over (a, c) of x * conj(g)`` (in complex128,
  ``t`` the part of the ``a`` range a task covers) and, fused in the same pass, optionally
  ``g *= sym``: the alpha-gradient's reduction and the adjoint's multiply read ``G`` once.

The symbol is passed as a float64 2-D array: a real symbol as it is (``cplx == 0``), a
complex one as its float view with interleaved real and imaginary parts (``cplx == 1``). The
products are formed in double and rounded to the spectrum's precision, as NumPy's
``spec *= K`` does with a double-precision ``K``. Work is split into tasks
``(a-part, b, chunk of d)`` run by :func:`fracfft.fft.manual._jit.launch`; a task writes only
its own output entries, so no two threads touch the same memory.
"""

from __future__ import annotations

from numba import types as nt

from ._jit import kernel

__all__ = ["CHUNK", "multiply", "reduce_multiply"]

#: Bins of the last canonical axis per task: big enough to stream, small enough to balance.
CHUNK = 2048


# The symbol (and the input's spectrum) may be read-only cached arrays; writable ones convert.
_SYM = nt.Array(nt.float64, 2, "C", readonly=True)


def _multiply_sig(real, cplx):
    return nt.void(cplx[:, :, :, ::1], _SYM, nt.int64, nt.int64, nt.int64,
                   nt.int64, nt.int64)


@kernel(_multiply_sig)
def multiply(spec, sym, is_complex, nparts, nchunks, lo, hi):
    # task t -> (a-part p, symbol row b, chunk j of the last axis)
    na, nb, nc, nd = spec.shape
    for t in range(lo, hi):
        p = t // (nb * nchunks)
        b = (t // nchunks) % nb
        j = t % nchunks
        a0 = na * p // nparts
        a1 = na * (p + 1) // nparts
        d0 = j * CHUNK
        d1 = min(nd, d0 + CHUNK)
        for a in range(a0, a1):
            for c in range(nc):
                if is_complex:
                    for d in range(d0, d1):
                        spec[a, b, c, d] = spec[a, b, c, d] * complex(sym[b, 2 * d],
                                                                      sym[b, 2 * d + 1])
                else:
                    for d in range(d0, d1):
                        spec[a, b, c, d] = spec[a, b, c, d] * sym[b, d]


def _reduce_sig(real, cplx):
    return nt.void(nt.Array(cplx, 4, "C", readonly=True), cplx[:, :, :, ::1], _SYM, nt.int64,
                   nt.boolean, nt.complex128[:, :, ::1], nt.int64, nt.int64, nt.int64, nt.int64)


@kernel(_reduce_sig)
def reduce_multiply(x, g, sym, is_complex, mul, out, nparts, nchunks, lo, hi):
    # out[p, b, d] = sum_{a in part p, c} x[a, b, c, d] * conj(g[a, b, c, d]); then g *= sym
    na, nb, nc, nd = x.shape
    for t in range(lo, hi):
        p = t // (nb * nchunks)
        b = (t // nchunks) % nb
        j = t % nchunks
        a0 = na * p // nparts
        a1 = na * (p + 1) // nparts
        d0 = j * CHUNK
        d1 = min(nd, d0 + CHUNK)
        for a in range(a0, a1):
            for c in range(nc):
                for d in range(d0, d1):
                    gv = g[a, b, c, d]
                    xv = x[a, b, c, d]
                    out[p, b, d] += complex(xv.real, xv.imag) * complex(gv.real, -gv.imag)
                    if mul:
                        if is_complex:
                            g[a, b, c, d] = gv * complex(sym[b, 2 * d], sym[b, 2 * d + 1])
                        else:
                            g[a, b, c, d] = gv * sym[b, d]
