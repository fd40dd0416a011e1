"""numba.cuda kernels of Caputo's projection :math:`P x = x - x_0` and its transpose.

Imported only when a caputo operator meets a numba.cuda device array (CuPy arrays use CuPy's
own arithmetic). Both launchers view the array as ``(pre, n, post)`` around the axis and
return new C-contiguous arrays; the input is never written.
"""

from __future__ import annotations

import math

from numba import cuda

from .fft.manual._cuda import _fresh_copy, _launch, _tpb, as_device_array


@cuda.jit
def project_kernel(src, dst, n, post):
    """dst[p, i, q] = src[p, i, q] - src[p, 0, q] on the flat C-order index."""
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for f in range(start, dst.size, step):
        p = f // (n * post)
        q = f % post
        dst.flat[f] = src.flat[f] - src.flat[p * n * post + q]


@cuda.jit
def project_adjoint_kernel(y, n, post):
    """y[p, 0, q] -= sum_i y[p, i, q], one thread per line (p, q)."""
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    lines = y.size // n
    for line in range(start, lines, step):
        p = line // post
        q = line % post
        base = p * n * post + q
        total = y.flat[base]
        for i in range(1, n):
            total += y.flat[base + i * post]
        y.flat[base] = y.flat[base] - total


def _geometry(shape, ax):
    return shape[ax], math.prod(shape[ax + 1:])


def project(x, ax):
    """Return :math:`x - x_0` along axis ``ax`` as a new device array."""
    tpb = _tpb(None)
    x = as_device_array(x)
    src = x if x.is_c_contiguous() else _fresh_copy(x, x.dtype, tpb)
    dst = cuda.device_array(tuple(x.shape), dtype=x.dtype)
    n, post = _geometry(tuple(x.shape), ax)
    _launch(project_kernel, dst.size, tpb, src, dst, n, post)
    return dst


def project_adjoint(y, ax):
    """Subtract the sum along axis ``ax`` from its element 0, in place (``y`` is ours)."""
    tpb = _tpb(None)
    y = as_device_array(y)
    n, post = _geometry(tuple(y.shape), ax)
    _launch(project_adjoint_kernel, y.size // max(n, 1), tpb, y, n, post)
    return y
