"""Argument checks and normalisation shared by every public entry point.

Each ``normalize_*`` function returns the canonical form the core works with, or raises the
error the SPEC (§4) asks for, naming the offending argument.
"""

from __future__ import annotations

import math
import operator
import os

import numpy as np

from ._compat import AxisError

PERIODIC_KINDS = ("weyl", "riesz")
CAUSAL_KINDS = ("gl", "gl2", "caputo")  # SPEC §5: zero-padded convolutions
KINDS = PERIODIC_KINDS + CAUSAL_KINDS
METHODS = ("auto", "fft", "rfft")
NORMS = ("backward", "ortho", "forward")

_FLOAT_FOR = {
    np.dtype(np.float16): np.dtype(np.float32),
    np.dtype(np.float32): np.dtype(np.float32),
    np.dtype(np.float64): np.dtype(np.float64),
    np.dtype(np.complex64): np.dtype(np.complex64),
    np.dtype(np.complex128): np.dtype(np.complex128),
}


def is_device_array(a) -> bool:
    """Return True for GPU arrays: numba.cuda, CuPy, anything with ``__cuda_array_interface__``.

    numba's CUDA simulator marks its stand-in device arrays with ``__cuda_ndarray__`` instead.
    """
    if isinstance(a, np.ndarray):
        return False
    return hasattr(a, "__cuda_array_interface__") or getattr(a, "__cuda_ndarray__", False) is True


def is_cupy_array(a) -> bool:
    """Return True for CuPy arrays (checked by module, so CuPy is never imported here)."""
    return type(a).__module__.startswith("cupy")


def compute_dtype(dtype, name: str = "x") -> np.dtype:
    """Return the floating dtype an array of ``dtype`` is computed in (SPEC §2 dtype rules).

    bool and integers compute in float64, float16 in float32, long double in (c)float64;
    float32/64 and complex64/128 are kept. Object, string and other dtypes are a TypeError.
    """
    dtype = np.dtype(dtype)
    try:
        return _FLOAT_FOR[dtype]
    except KeyError:
        pass
    if dtype.kind in "biu":
        return np.dtype(np.float64)
    if dtype.kind == "f":
        return np.dtype(np.float64)
    if dtype.kind == "c":
        return np.dtype(np.complex128)
    raise TypeError(
        f"{name} must have a numeric dtype (bool, integer, float or complex); got {dtype}"
    )


def as_float_array(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as a NumPy array of its compute dtype; never a view that could be written."""
    if is_device_array(x):
        compute_dtype(x.dtype, name)
        return x
    arr = np.asarray(x)
    return arr.astype(compute_dtype(arr.dtype, name), copy=False)


def normalize_axes(axis, ndim: int, name: str = "axis") -> tuple[int, ...]:
    """Return ``axis`` (an int or a sequence of ints) as a tuple of non-negative axes."""
    if ndim == 0:
        raise AxisError(f"{name}: a 0-d array has no axis to transform")
    if isinstance(axis, (tuple, list)):
        if len(axis) == 0:
            raise ValueError(f"{name} must name at least one axis")
        items = tuple(axis)
    else:
        items = (axis,)
    out = []
    for a in items:
        try:
            a = operator.index(a)
        except TypeError:
            raise TypeError(f"{name} must be an int or a tuple of ints; got {axis!r}") from None
        if not -ndim <= a < ndim:
            raise AxisError(a, ndim, name)
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axes in {name}={axis!r}")
    return tuple(out)


def normalize_dx(dx, naxes: int, name: str = "dx") -> tuple[float, ...]:
    """Return the grid spacing as a tuple with one positive finite float per transformed axis."""
    if isinstance(dx, np.ndarray) and dx.ndim == 0:
        dx = dx.item()
    if isinstance(dx, (tuple, list, np.ndarray)):
        items = tuple(dx.ravel()) if isinstance(dx, np.ndarray) else tuple(dx)
        if len(items) != naxes:
            raise ValueError(f"{name} has {len(items)} entries but {naxes} axes are transformed")
    else:
        items = (dx,) * naxes
    out = []
    for d in items:
        try:
            d = float(d)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a positive finite float; got {d!r}") from None
        if not (math.isfinite(d) and d > 0):
            raise ValueError(f"{name} must be a positive finite float; got {d!r}")
        out.append(d)
    return tuple(out)


def normalize_alpha(alpha, shape: tuple[int, ...], axes: tuple[int, ...], name: str = "alpha"):
    """Return the order as a Python float or as a float64 array of ``len(shape)`` dimensions.

    An array must broadcast against an array of ``shape`` without changing it and have size 1
    along every transformed axis (one order per channel).
    """
    if isinstance(alpha, (int, float, np.floating, np.integer)) and not isinstance(alpha, bool):
        a = float(alpha)
        if not math.isfinite(a):
            raise ValueError(f"{name} must be finite; got {alpha!r}")
        return a
    arr = np.asarray(alpha)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be real; got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got non-finite values")
    if arr.ndim == 0:
        return float(arr)
    return arr.reshape(alpha_shape(arr.shape, shape, axes, name))


def alpha_shape(ashape, shape, axes, name: str = "alpha") -> tuple[int, ...]:
    """Return the shape of a per-channel order ``ashape`` padded to ``len(shape)`` dims.

    It must broadcast against ``shape`` without changing it and have size 1 along every
    transformed axis. Works on shapes alone, so lazy (dask) orders are checked unevaluated.
    """
    ashape = tuple(ashape)
    if len(ashape) > len(shape):
        raise ValueError(
            f"{name} with shape {ashape} has more dimensions than the input {shape}"
        )
    full = (1,) * (len(shape) - len(ashape)) + ashape
    for ax, (sa, sx) in enumerate(zip(full, shape)):
        if sa != 1 and sa != sx:
            raise ValueError(f"{name} with shape {ashape} does not broadcast against {shape}")
        if sa != 1 and ax in axes:
            raise ValueError(
                f"{name} must have size 1 along the transformed axis {ax}; got shape {ashape}"
            )
    return full


def normalize_kind(kind) -> str:
    """Return the symbol kind, or raise ValueError listing the allowed names."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {', '.join(map(repr, KINDS))}")
    return kind


def normalize_periodic_kind(kind) -> str:
    """Return a periodic kind ("weyl", "riesz"); a causal kind is a ValueError naming weights."""
    kind = normalize_kind(kind)
    if kind not in PERIODIC_KINDS:
        raise ValueError(f"symbol is defined for the periodic kinds 'weyl' and 'riesz'; "
                         f"{kind!r} is causal (a convolution): use fracfft.weights")
    return kind


def normalize_length(n, name: str = "n") -> int:
    """Return a grid length as an int >= 1; a non-integer (4.5) is a TypeError, not truncated."""
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"{name} must be an int; got {n!r}") from None
    if n < 1:
        raise ValueError(f"{name} must be a positive integer; got {n}")
    return n


def normalize_method(method, is_complex: bool) -> str:
    """Resolve ``method`` to "fft" or "rfft" for input that is or is not complex."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(map(repr, METHODS))}")
    if method == "auto":
        return "fft" if is_complex else "rfft"
    if method == "rfft" and is_complex:
        raise ValueError("method='rfft' needs real input; use method='fft' for complex x")
    return method


def normalize_norm(norm) -> str:
    """Return the FFT normalisation mode, None meaning "backward"."""
    if norm is None:
        return "backward"
    if norm not in NORMS:
        raise ValueError(f"unknown norm {norm!r}; choose from None, {', '.join(map(repr, NORMS))}")
    return norm


def normalize_workers(workers) -> int:
    """Return a positive worker count; negative values count back from the CPU count (scipy.fft)."""
    if workers is None:
        return 1
    try:
        w = operator.index(workers)
    except TypeError:
        raise TypeError(f"workers must be an int or None; got {workers!r}") from None
    if w == 0:
        raise ValueError("workers must not be 0")
    if w < 0:
        cpus = os.cpu_count() or 1
        w += cpus + 1
        if w <= 0:
            raise ValueError(f"workers value out of range; got {workers}, CPU count {cpus}")
    return w


def check_lengths(shape: tuple[int, ...], axes: tuple[int, ...]) -> None:
    """Raise ValueError, as numpy.fft does, when a transformed axis has length 0."""
    for a in axes:
        if shape[a] < 1:
            raise ValueError(f"invalid number of data points (0) along transformed axis {a}")
