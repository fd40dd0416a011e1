"""Argument checks and normalisation shared by every public entry point.

Each ``normalize_*`` function returns the canonical form the core works with, or raises the
error the SPEC (§4) asks for, naming the offending argument.
"""

from __future__ import annotations

import math
import operator
import os
import warnings

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


def _axis_indices(items, ndim: int, name: str, type_message: str) -> list:
    """Non-negative axes of ``items`` (ints) for ``ndim`` dims; TypeError / AxisError otherwise."""
    out = []
    for a in items:
        try:
            a = operator.index(a)
        except TypeError:
            raise TypeError(type_message) from None
        if not -ndim <= a < ndim:
            raise AxisError(a, ndim, name)
        out.append(a % ndim)
    return out


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
    out = _axis_indices(items, ndim, name,
                        f"{name} must be an int or a tuple of ints; got {axis!r}")
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


def fft_lengths(shape: tuple[int, ...], s, axes: tuple[int, ...], c2r: bool = False):
    """Return the transform lengths along ``axes``: the one place defaults are resolved.

    ``s`` None, or an entry of it that is None or -1, takes the default of its axis: the
    input's length, except for the last axis of a complex-to-real transform (``c2r``), where
    it is ``2*(m - 1)`` for ``m`` input points (``irfft``'s default). This is how an FFT
    adapter reads ``s``; :func:`normalize_fft` resolves numpy's meaning of -1 (the input's
    length on every axis) before the adapters see it.
    """
    if s is None:
        s = (None,) * len(axes)
    elif -1 not in s and None not in s:
        return tuple(s)
    last = len(axes) - 1
    return tuple(
        v if v is not None and v != -1 else 2 * (shape[ax] - 1) if c2r and i == last else shape[ax]
        for i, (v, ax) in enumerate(zip(s, axes))
    )


_S_NONE_MSG = ("Passing an array containing `None` values to `s` is deprecated in NumPy 2.0 "
               "(fracfft.fft follows NumPy 2): such an entry takes the default of the 1-D "
               "transform's `n`; pass that value, or omit `s` for the default on every axis.")
_S_NO_AXES_MSG = ("`axes` should not be `None` if `s` is not `None` (Deprecated in NumPy 2.0; "
                  "fracfft.fft follows NumPy 2): `s` is applied to the last len(s) axes. Pass "
                  "`axes` explicitly.")


def _index_tuple(v, name: str) -> tuple:
    if isinstance(v, (int, np.integer)):
        return (operator.index(v),)
    try:
        return tuple(v)
    except TypeError:
        raise TypeError(f"{name} must be an int or a sequence of ints; got {v!r}") from None


def normalize_fft(shape, s, axes, norm=None, workers=None, *, c2r: bool = False,
                  real: bool = False, api: str = "numpy"):
    """Resolve ``s``, ``axes``, ``norm`` and ``workers`` of an FFT call (the one normaliser).

    Parameters
    ----------
    shape : tuple of int
        Shape of the input.
    s : sequence of int (or None entries), int, or None
        Output lengths (input lengths for the real-input transform) along ``axes``.
    axes : sequence of int, int, or None
        Axes to transform; None: all, or the last ``len(s)`` when ``s`` is given.
    norm, workers
        As in :mod:`scipy.fft`.
    c2r : bool
        A complex-to-real transform: the default length of its last axis is ``2*(m - 1)``.
    real : bool
        A real transform (``r2c`` or ``c2r``), which needs at least one axis.
    api : {"numpy", "scipy"}
        ``"numpy"`` reads ``s`` and ``axes`` as NumPy 2 does: -1 keeps the input's length,
        a None entry (DeprecationWarning) takes the 1-D default, ``s`` without ``axes``
        applies to the last ``len(s)`` axes (with a DeprecationWarning, as NumPy 2 gives), an
        axis may repeat (it is transformed once per repetition). ``"scipy"`` as
        :mod:`scipy.fft`: no warnings, repeated axes are a ValueError, and None entries are a
        TypeError.

    Returns
    -------
    lengths : tuple of int
        One length (at least 1) per axis.
    axes : tuple of int
        Non-negative axes, in the given order.
    norm : str
        ``"backward"``, ``"ortho"`` or ``"forward"``.
    workers : int
        At least 1.

    Raises
    ------
    ValueError
        If ``s`` and ``axes`` differ in length, a length is below 1, an axis repeats
        (``api="scipy"``), a real transform has no axis, or ``norm`` / ``workers`` is invalid.
    numpy.exceptions.AxisError
        If an axis is out of range.
    TypeError
        If ``s`` or ``axes`` holds something other than integers.
    """
    ndim = len(shape)
    if s is not None:
        s = _index_tuple(s, "s")
    if axes is None:
        if s is None:
            axes = tuple(range(ndim))
        else:
            # NumPy 2 deprecates this reading (its announced future one puts s[i] along axis
            # i) and warns on every such call; fracfft.fft follows it.
            if api == "numpy":
                warnings.warn(_S_NO_AXES_MSG, DeprecationWarning, stacklevel=4)
            if len(s) > ndim:
                raise ValueError(f"s has {len(s)} entries but the input has {ndim} dimensions")
            axes = tuple(range(ndim - len(s), ndim))
    else:
        items = _index_tuple(axes, "axes")
        axes = tuple(_axis_indices(items, ndim, "axes", f"axes must hold integers; got {axes!r}"))
        if api != "numpy" and len(set(axes)) != len(axes):
            raise ValueError(f"all axes must be unique; got axes={items!r}")
    if real and not axes:
        raise ValueError("at least 1 axis must be transformed")
    if s is None:
        lengths = fft_lengths(shape, None, axes, c2r)
    else:
        if len(s) != len(axes):
            raise ValueError(f"s has {len(s)} entries but {len(axes)} axes are transformed "
                             "(shape and axes have different lengths)")
        if any(v is None for v in s):
            if api == "numpy":
                warnings.warn(_S_NONE_MSG, DeprecationWarning, stacklevel=4)
            else:
                raise TypeError(f"s must hold integers; got {s!r}")
        resolved = []
        for v, ax in zip(s, axes):
            if v is None:
                resolved.append(None)  # the 1-D default, from fft_lengths below
                continue
            try:
                v = operator.index(v)
            except TypeError:
                raise TypeError(f"s must hold integers; got {s!r}") from None
            resolved.append(shape[ax] if v == -1 else v)  # numpy and scipy: -1 keeps m
        lengths = fft_lengths(shape, resolved, axes, c2r)
    for n in lengths:
        if n < 1:
            raise ValueError(f"Invalid number of FFT data points ({n}) specified "
                             f"(lengths {lengths} along axes {axes})")
    return lengths, axes, normalize_norm(norm), normalize_workers(workers)
