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

from ._jit import helper, kernel

__all__ = ["CHUNK", "multiply", "reduce_multiply"]

#: Bins of the last canonical axis per task when there are too few lines to share out.
CHUNK = 4096

# The symbol (and the input's spectrum) may be read-only cached arrays; writable ones convert.
_SYM = nt.Array(nt.complex128, 2, "C", readonly=True)


@helper
def _task(t, nlines, nd, nparts, nchunks):
    """Lines ``[l0, l1)`` and bins ``[d0, d1)`` of task ``t``, and its output part."""
    if nchunks == 1:  # enough lines: task t is part t of them, every bin
        return nlines * t // nparts, nlines * (t + 1) // nparts, 0, nd, t
    return 0, nlines, t * CHUNK, min(nd, (t + 1) * CHUNK), 0  # few lines: a chunk of bins


def _multiply_sig(real, cplx):
    return nt.void(cplx[:, :, :, ::1], _SYM, nt.int64, nt.int64, nt.int64, nt.int64)


@kernel(_multiply_sig)
def multiply(spec, sym, nparts, nchunks, lo, hi):
    # line l = (a, b, c) in C order; spec[a, b, c, :] *= sym[b, :]
    na, nb, nc, nd = spec.shape
    for t in range(lo, hi):
        l0, l1, d0, d1, _ = _task(t, na * nb * nc, nd, nparts, nchunks)
        for line in range(l0, l1):
            b = (line // nc) % nb
            row = spec[line // (nb * nc), b, line % nc]
            k = sym[b]
            for d in range(d0, d1):
                row[d] = row[d] * k[d]


def _reduce_sig(real, cplx):
    return nt.void(nt.Array(cplx, 4, "C", readonly=True), cplx[:, :, :, ::1], _SYM, nt.boolean,
                   nt.complex128[:, :, ::1], nt.int64, nt.int64, nt.int64, nt.int64)


@kernel(_reduce_sig)
def reduce_multiply(x, g, sym, mul, out, nparts, nchunks, lo, hi):
    # out[p, b, d] = sum over the lines (a, b, c) of part p of x * conj(g); then g *= sym
    na, nb, nc, nd = x.shape
    for t in range(lo, hi):
        l0, l1, d0, d1, p = _task(t, na * nb * nc, nd, nparts, nchunks)
        for line in range(l0, l1):
            a = line // (nb * nc)
            b = (line // nc) % nb
            c = line % nc
            xr = x[a, b, c]
            gr = g[a, b, c]
            acc = out[p, b]
            k = sym[b]
            for d in range(d0, d1):
                gv = gr[d]
                xv = xr[d]
                acc[d] += complex(xv.real, xv.imag) * complex(gv.real, -gv.imag)
                if mul:
                    gr[d] = gv * k[d]
