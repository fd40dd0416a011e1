"""Independent dense references, and the measures every test compares against them with.

* References: O(n^2) DFT matrices and symbols written from the SPEC. Nothing here calls an FFT
  library or fracfft; the symbols are built bin by bin with cmath.
* Measures: :func:`eps` and :func:`fft_tol` (tolerances tied to the dtype), :func:`rel_err`;
  random data :func:`crandn` (NumPy), :func:`trandn` and :func:`tcrandn` (torch, imported only
  when they are called).
"""

import cmath
import math
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=32)
def dft_matrix(n, inverse=False):
    """Dense DFT matrix ``F[k, j] = exp(-+2 pi i jk/n)``; ``jk`` reduced mod n for accuracy."""
    jk = np.outer(np.arange(n), np.arange(n)) % n
    sign = 1.0 if inverse else -1.0
    f = np.exp(sign * 2j * np.pi * jk / n)
    if inverse:
        f /= n
    f.flags.writeable = False
    return f


def dft(x, axis=-1, inverse=False):
    """Dense DFT of ``x`` along ``axis`` in complex128."""
    x = np.moveaxis(np.asarray(x, dtype=np.complex128), axis, -1)
    y = x @ dft_matrix(x.shape[-1], inverse).T
    return np.moveaxis(y, -1, axis)


def wavenumber(k, n, dx):
    """Angular wavenumber of bin ``k`` in numpy's fftfreq ordering."""
    m = k if k < (n + 1) // 2 else k - n  # even n: bin n/2 is -n/2
    return 2 * math.pi * m / (n * dx)


def weyl_bin(k, n, dx, alpha):
    """The weyl symbol at bin ``k``, straight from the SPEC's rules."""
    xi = wavenumber(k, n, dx)
    if alpha == 0:
        return 1.0 + 0j
    if xi == 0:
        return 0j
    if n % 2 == 0 and k == n // 2:
        return abs(xi) ** alpha * math.cos(math.pi * alpha / 2)
    return abs(xi) ** alpha * cmath.exp(1j * math.copysign(1, xi) * math.pi * alpha / 2)


def weyl_dalpha_bin(k, n, dx, alpha):
    """d/dalpha of :func:`weyl_bin`."""
    xi = wavenumber(k, n, dx)
    if xi == 0:
        return 0j
    a, lg = abs(xi), math.log(abs(xi))
    if n % 2 == 0 and k == n // 2:
        c, s = math.cos(math.pi * alpha / 2), math.sin(math.pi * alpha / 2)
        return a**alpha * (lg * c - math.pi / 2 * s)
    return weyl_bin(k, n, dx, alpha) * (lg + 1j * math.copysign(1, xi) * math.pi / 2)


def derivative(x, alpha, axis=-1, kind="weyl", dx=1.0, mode="forward"):
    """Dense reference of the 1-D operator along ``axis`` (complex128 result)."""
    x = np.asarray(x)
    n = x.shape[axis]
    if kind == "weyl":
        fn = weyl_dalpha_bin if mode == "dalpha" else weyl_bin
        k = np.array([fn(j, n, dx, alpha) for j in range(n)])
        if mode == "adjoint":
            k = k.conj()
    else:
        k = np.array([riesz_value(abs(wavenumber(j, n, dx)), alpha, mode) for j in range(n)])
    shape = [1] * x.ndim
    shape[axis] = n
    return dft(dft(x, axis) * k.reshape(shape), axis, inverse=True)


def riesz_value(r, alpha, mode="forward", sign=-1.0):
    """``sign*|xi|**alpha`` (identity at alpha == 0) or its alpha-derivative at radius ``r``."""
    if mode == "dalpha":
        return 0.0 if r == 0 else sign * r**alpha * math.log(r)
    if alpha == 0:
        return 1.0
    return 0.0 if r == 0 else sign * r**alpha


def radial_nd(x, alpha, axes, dxs, sign=-1.0, mode="forward"):
    """Dense n-D reference of the isotropic symbol over ``axes``."""
    spec = np.asarray(x, dtype=np.complex128)
    for ax in axes:
        spec = dft(spec, ax)
    grids = np.meshgrid(*[[wavenumber(j, spec.shape[ax], d) for j in range(spec.shape[ax])]
                          for ax, d in zip(axes, dxs)], indexing="ij")
    r = np.sqrt(sum(g * g for g in grids))
    k = np.vectorize(lambda v: riesz_value(v, alpha, mode, sign))(r)
    shape = [1] * spec.ndim
    for ax in axes:
        shape[ax] = spec.shape[ax]
    spec = spec * k.reshape(shape)
    for ax in axes:
        spec = dft(spec, ax, inverse=True)
    return spec


def eps(dtype):
    """Machine epsilon of ``dtype``'s precision (complex64: float32's); NumPy or torch dtypes."""
    if type(dtype).__module__ == "torch":
        import torch

        return torch.finfo(dtype).eps
    return float(np.finfo(dtype).eps)


def fft_tol(n, dtype=np.float64, factor=8):
    """``factor * sqrt(log2 n) * eps(dtype)``: the round-off bound of a length-``n`` transform.

    Relative, in norm; the growth of FFT round-off is ``O(sqrt(log n))`` on average. Each
    test keeps its own ``factor`` (8 for one transform, more for chains of them).
    """
    return factor * math.sqrt(math.log2(max(n, 2))) * eps(dtype)


def _host(a):
    """``a`` as a NumPy array; torch tensors are detached and copied to the host."""
    if type(a).__module__.startswith("torch"):
        return a.detach().resolve_conj().resolve_neg().cpu().numpy()
    return np.asarray(a)


def rel_err(y, ref, floor=0.0, if_zero=None):
    """Relative error in norm, ``|y - ref| / max(|ref|, floor)``; NumPy arrays or tensors.

    ``floor`` stands in for references that are (nearly) zero; where the denominator is still
    0, ``if_zero`` replaces it (default: the smallest normal float64, so a nonzero error of a
    zero reference fails any tolerance; 1.0 makes it an absolute error).
    """
    y, ref = _host(y), _host(ref)
    denom = max(np.linalg.norm(ref), floor)
    if denom == 0:
        denom = np.finfo(np.float64).tiny if if_zero is None else if_zero
    return np.linalg.norm(y - ref) / denom


def crandn(rng, shape, dtype=np.complex128):
    """Standard complex normal samples of ``shape`` in ``dtype``, from NumPy generator ``rng``."""
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def trandn(gen, *shape, dtype=None, requires_grad=False):
    """Standard normal torch tensor, drawn in float64 from ``gen`` then cast to ``dtype``."""
    import torch

    t = torch.randn(shape, generator=gen, dtype=torch.float64)  # shape () included
    if dtype is not None:
        t = t.to(dtype)
    return t.requires_grad_(requires_grad)


def tcrandn(gen, *shape, requires_grad=False):
    """Standard complex normal complex128 tensor: real, then imaginary part, from ``gen``."""
    import torch

    t = torch.complex(trandn(gen, *shape), trandn(gen, *shape))
    return t.requires_grad_(requires_grad)
