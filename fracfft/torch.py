r"""PyTorch bridge: spectral fractional derivatives with manual adjoints and alpha-gradients.

On a uniform periodic grid with angular wavenumbers :math:`\xi = 2\pi\,\mathrm{fftfreq}(n, dx)`,

.. math:: y = D^\alpha x = \mathcal F^{-1}\left[K_\alpha(\xi)\,\mathcal F x\right],

.. math:: K_\alpha = (i\xi)^\alpha \ \text{(weyl)},\quad K_\alpha = -|\xi|^\alpha\ \text{(riesz)},

with the zero-mode and Nyquist rules of :doc:`/mathematics`. The backward pass never
differentiates an FFT graph: for an incoming gradient :math:`g` with :math:`G = \mathcal F g`,

.. math:: \frac{\partial L}{\partial x} = \mathcal F^{-1}[\bar K_\alpha G],

.. math:: \frac{\partial L}{\partial \alpha} = \mathrm{Re}\,\frac1N\sum_k
          \partial_\alpha K_\alpha(\xi_k)\, X_k\, \bar G_k ,

both from the one transform :math:`G`. Tensors reach the NumPy / Numba engine through DLPack
without copies where the layout allows; CUDA tensors stay on their GPU.

Public objects: :class:`SpectralFractionalDerivative` (the ``torch.autograd.Function``),
:func:`fractional_derivative` (functional form), :class:`BoundedAlphaParameter` and
:class:`FractionalDerivative` (``nn.Module`` layers).
"""

from __future__ import annotations

import functools
import inspect
import math
import operator
import threading
import weakref

import numpy as np
import torch
from torch import nn
from torch.autograd import forward_ad as _fwad

from . import _compat, _core, _dlpack, _validate
from ._cache import put_bounded
from .symbols import MODES

__all__ = [
    "BoundedAlphaParameter",
    "FractionalDerivative",
    "SpectralFractionalDerivative",
    "fractional_derivative",
]

# dtypes the engine cannot compute in, and the dtype they compute in instead.
_UPCAST = {torch.float16: torch.float32, torch.bfloat16: torch.float32,
           torch.complex32: torch.complex64}
_ENGINE_DTYPES = (torch.float32, torch.float64, torch.complex64, torch.complex128)
_TORCH_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64,
                 np.dtype(np.complex64): torch.complex64, np.dtype(np.complex128): torch.complex128}

# The core's symbol modes by (order of the alpha-derivative, conjugated?): the operator
# S_(order, conj) whose symbol is d^order K / dalpha^order, or its conjugate (the adjoint).
_MODE_NAMES = {spec: name for name, spec in MODES.items()}
_MAX_ORDER = max(order for order, _ in MODES.values())

_is_functorch_wrapped = getattr(getattr(torch._C, "_functorch", None),
                                "is_functorch_wrapped_tensor", lambda t: False)
# torch internals behind the direct apply; where a torch lacks them, the standard apply serves.
_DIRECT_APPLY = getattr(torch._C, "_functorch", None)
if not all(hasattr(obj, name) for obj, name in ((_DIRECT_APPLY, "unwrap_if_dead"),
                                                (torch._C, "_are_functorch_transforms_active"))):
    _DIRECT_APPLY = None
_functorch_active = getattr(torch._C, "_are_functorch_transforms_active", lambda: True)


def _forward_ad_active() -> bool:
    """Return True when forward-mode AD may call a Function's jvp (a dual level or torch.func)."""
    # A torch without the private level counter: assume it may (save, as before).
    return getattr(_fwad, "_current_level", 0) >= 0 or _functorch_active()


# --------------------------------------------------------------------------------------------
# Argument handling
# --------------------------------------------------------------------------------------------

def _compute_tensor(t: torch.Tensor) -> tuple[torch.Tensor, torch.dtype]:
    """Return ``t`` in the dtype the engine computes in, and the dtype the result comes back in.

    float32/64 and complex64/128 are kept (no copy); float16 and bfloat16 compute in float32
    and come back in their own dtype (complex32 likewise via complex64); bool and integer input
    is promoted to ``torch.get_default_dtype()``, which is also the result's dtype.
    """
    dtype = t.dtype
    if dtype in _ENGINE_DTYPES:
        return t, dtype
    if dtype in _UPCAST:
        return t.to(_UPCAST[dtype]), dtype
    if dtype == torch.bool or not (dtype.is_floating_point or dtype.is_complex):
        promoted = torch.get_default_dtype()
        return t.to(promoted), promoted
    raise TypeError(f"x has unsupported dtype {dtype}")  # pragma: no cover - e.g. float8


def _normalize_dim(dim, ndim: int) -> tuple[int, ...]:
    """``dim`` (int or sequence of ints) as a tuple of non-negative dims (SPEC §4 errors)."""
    return _validate.normalize_axes(list(dim) if isinstance(dim, (tuple, list)) else dim, ndim,
                                    "dim")


def _alpha_value(alpha):
    """Return the order as the engine takes it: a Python float, or a float64 NumPy array."""
    if isinstance(alpha, torch.Tensor):
        if alpha.is_complex():
            raise ValueError(f"alpha must be real; got dtype {alpha.dtype}")
        if alpha.dim() == 0:
            return float(alpha.item())  # float64 holds every real tensor dtype exactly
        return alpha.detach().to(device="cpu", dtype=torch.float64).numpy()
    return alpha


def _default_workers(workers):
    """CPU FFT threads: ``torch.get_num_threads()`` unless given (0 or None mean the default)."""
    return torch.get_num_threads() if not workers else workers


# --------------------------------------------------------------------------------------------
# Engine calls (tensors in, tensors out); shared by the eager path and the custom ops
# --------------------------------------------------------------------------------------------

def _mode_name(order, conj):
    """Return the core's name for ``S_(order, conj)``; NotImplementedError past its orders."""
    try:
        return _MODE_NAMES[(order, conj)]
    except KeyError:
        raise NotImplementedError(
            f"fracfft.torch: the alpha-derivative of order {order} is not implemented (the "
            f"symbols go up to order {_MAX_ORDER}, so derivatives up to second order in alpha "
            "work); if only x-derivatives are wanted, pass alpha without requires_grad") from None


# The public Function's last forward on this thread, for its setup_context: (weak reference to
# the output, normalised alpha, normalised arguments, kept), with ``kept`` what
# fracfft._core.run_kept keeps of a small host call for the backward (issue 14), or None.
# setup_context takes it when the output matches, and so skips a second validation.
_LAST = threading.local()


def _in_stream(t, fn, *args):
    """Return ``fn(t, device, *args)``, with the stream ordering ``t``'s device needs.

    A CPU tensor goes directly (``device`` None); a CUDA tensor is made contiguous and the call
    runs inside :func:`fracfft._dlpack.cuda_stream_guard`.
    """
    if t.is_cpu:  # no stream to order: skip the guard's context manager
        return fn(t, None, *args)
    t = t.contiguous()
    with _dlpack.cuda_stream_guard(t):
        return fn(t, t.device, *args)


# The small-call lane (issue 14): at N = 32 a training step is a few microseconds of transforms
# and tens of microseconds of Python. A small host forward with a 0-d tensor order (a learned
# order, or a layer's fixed one; one that fracfft._core.run_kept returns a "kept" for) leaves its
# validated plan here, keyed by the call's arguments as given; a later call with the same
# arguments checks only its order (and not again while it stays the same) and goes straight to
# the core. At most _LANES_MAX entries (a plan, a tuple and the last order's plan each, no array
# data). Float orders take the full path.
_LANES: dict = {}
_LANES_MAX = 64
_PLAIN_TENSORS = (torch.Tensor, nn.Parameter)  # not tensor subclasses with their own dispatch


def _lane_key(x, dim, method, kind, dx, workers, backend):
    """Return the lane's key of a call (unhashable for a list ``dim``: TypeError on use)."""
    return (x.shape, x.dtype, dim, method, kind, dx, _default_workers(workers), backend)


def _lane_forward(x, alpha, dim, method, kind, dx, workers, backend):
    """``D^alpha x`` through the small-call lane, or None where it does not serve this call."""
    if (type(alpha) not in _PLAIN_TENSORS or alpha.dim() or alpha.is_complex()
            or type(x) not in _PLAIN_TENSORS):
        return None
    try:
        lane = _LANES.get(_lane_key(x, dim, method, kind, dx, workers, backend))
    except TypeError:
        return None
    if lane is None or not x.is_cpu:
        return None
    value = alpha.item()
    if value == 0.0:  # the identity's copy rule lives in the full path
        return None
    base, args, last = lane
    seen, plan = last[0]  # the lane's last order and its plan: a fixed order is checked once
    if seen != value:  # (a NaN never equals itself: with_order rejects it every time)
        plan = _core.with_order(base, value)
        last[0] = (value, plan)  # one tuple, replaced atomically
    y, kept = _core.run_kept(plan, _dlpack.to_array(x), alpha.requires_grad)
    out = _dlpack.from_array(y)
    _LAST.slot = (weakref.ref(out), alpha, args, kept)
    return out


def _add_lane(x, dim, method, kind, dx, workers, backend, plan, args):
    """Register ``plan`` (a kept forward's) as the lane of these arguments."""
    key = _lane_key(x, dim, method, kind, dx, workers, backend)
    try:
        if key in _LANES:
            return
    except TypeError:  # unhashable arguments: no lane
        return
    put_bounded(_LANES, key, (_core.unordered(plan), args, [(None, None)]), _LANES_MAX)


def _forward_impl(x, alpha, dims, method, kind, dx, workers, backend, mode="forward",
                  keep=False):
    """``(S x, kept)`` on a tensor, computed by the NumPy/Numba core; ``S`` is ``mode``'s operator.

    ``mode`` is one of :data:`fracfft.symbols.MODES`: ``"forward"`` gives ``D^alpha x``.
    ``kept`` is what :func:`fracfft._core.run_kept` returns for a small host call in mode
    ``"forward"`` (its plan and transform route, and with ``keep`` the input's spectrum and the
    symbols), else None.
    """
    xc, out_dtype = _compute_tensor(x)
    out, kept = _in_stream(xc, _engine_forward, alpha, dims, method, kind, dx, workers, backend,
                           mode, keep)
    if out.dtype == out_dtype:
        return out, kept
    return out.to(out_dtype), None  # the kept spectrum is of the computed dtype


def _engine_forward(xc, device, alpha, dims, method, kind, dx, workers, backend, mode, keep):
    """:func:`_forward_impl` once ``xc`` is in its compute dtype (``device`` None: the host)."""
    arr, plan = _core.make_plan(_dlpack.to_array(xc), _alpha_value(alpha), dims, kind=kind,
                                dx=dx, method=method, backend=backend,
                                workers=_default_workers(workers))
    if xc.numel() == 0:
        return torch.empty(xc.shape, dtype=xc.dtype, device=xc.device), None
    if (isinstance(plan.alpha, float) and plan.alpha == 0.0 and MODES[mode][0] == 0
            and plan.kind != "caputo"):
        # K = 1 exactly: a copy, not the round-off of two transforms (caputo: x - x[0]).
        return xc.clone(memory_format=torch.contiguous_format), None
    if mode == "forward" and not plan.device:
        y, kept = _core.run_kept(plan, arr, keep)
        return _dlpack.from_array(y, device), kept
    return _dlpack.from_array(_core.run(plan, arr, mode), device), None


def _backward_impl(g, x, alpha, dims, method, kind, dx, workers, backend, need_x, need_alpha):
    """Gradients ``(gx, galpha)`` of ``D^alpha x`` for the incoming gradient ``g``.

    ``gx`` has x's shape in the engine's compute dtype (None unless ``need_x``); ``galpha`` is a
    float for a scalar alpha, else a NumPy array / tensor with the normalised alpha's shape
    (None unless ``need_alpha``).
    """
    gc, _ = _compute_tensor(g)
    return _in_stream(gc, _engine_backward, x, alpha, dims, method, kind, dx, workers, backend,
                      need_x, need_alpha)


def _engine_backward(gc, device, x, alpha, dims, method, kind, dx, workers, backend, need_x,
                     need_alpha):
    """:func:`_backward_impl` once ``gc`` is in its compute dtype (``device`` None: the host)."""
    g_arr, plan = _core.make_plan(_dlpack.to_array(gc), _alpha_value(alpha), dims, kind=kind,
                                  dx=dx, method=method, backend=backend,
                                  workers=_default_workers(workers))
    if gc.numel() == 0:
        gx = torch.zeros(gc.shape, dtype=gc.dtype, device=gc.device) if need_x else None
        galpha = 0.0 if isinstance(plan.alpha, float) else np.zeros(np.shape(plan.alpha))
        return gx, (galpha if need_alpha else None)
    x_arr = None
    if need_alpha:
        xc, _ = _compute_tensor(x)
        if xc.is_cuda:
            xc = xc.contiguous()
        x_arr = _dlpack.to_array(xc)
    # One vjp for CPU and CUDA tensors: a device alpha-gradient is reduced on the device.
    gx, galpha = _core.vjp(plan, g_arr, x_arr, need_x=need_x, need_alpha=need_alpha)
    if gx is not None:
        gx = _dlpack.from_array(gx, device)
    return gx, galpha


def _kept_backward(kept, g, need_x, need_alpha):
    """Gradients from what a host forward kept (:func:`fracfft._core.run_kept`), or None.

    None unless ``g`` is a host tensor of the forward's grid and dtype and, for the
    alpha-gradient, the forward kept its input's spectrum (or, for a large call, its products
    ``K X``, which the first backward consumes); the plan, those spectra, the symbols and the
    transform route all come from the forward.
    """
    plan, spectra = kept[0], kept[1]
    if (not g.is_cpu or g.dtype != _TORCH_DTYPES.get(plan.dtype) or g.shape != plan.shape
            or (need_alpha and (spectra is None or (isinstance(spectra, _core.KeptProducts)
                                                    and spectra.taken)))):
        return None
    gx, galpha = _core.vjp(plan, _dlpack.to_array(g), need_x=need_x, need_alpha=need_alpha,
                           kept=kept)
    return (None if gx is None else _dlpack.from_array(gx)), galpha


_HOST_SCALAR_DTYPES = {torch.float64: np.float64, torch.float32: np.float32}


def _alpha_grad_tensor(galpha, alpha: torch.Tensor) -> torch.Tensor:
    """Return the alpha-gradient as a tensor of alpha's shape, dtype and device."""
    if isinstance(galpha, float):  # a scalar order: one fill
        if alpha.dim() == 0 and alpha.is_cpu:
            host = _HOST_SCALAR_DTYPES.get(alpha.dtype)
            if host is not None:  # a 0-d array wrapped: fewer steps than torch.scalar_tensor
                return torch.from_numpy(np.array(galpha, dtype=host))
            return torch.scalar_tensor(galpha, dtype=alpha.dtype)
        return torch.full(alpha.shape, galpha, dtype=alpha.dtype, device=alpha.device)
    if isinstance(galpha, torch.Tensor):
        t = galpha
    else:
        t = torch.as_tensor(np.asarray(galpha, dtype=np.float64))
    return t.reshape(alpha.shape).to(dtype=alpha.dtype, device=alpha.device)


# --------------------------------------------------------------------------------------------
# Custom ops: what torch.compile sees (opaque, with shape-only fake implementations)
# --------------------------------------------------------------------------------------------

# torch < 2.4 has no torch.library.custom_op: the ops are not registered there, and the autograd
# Function below runs its eager path even inside torch.compile (dynamo then breaks the graph).
_HAS_CUSTOM_OPS = _compat.torch_has_custom_op(torch)
_is_compiling = _compat.torch_is_compiling(torch)
_use_custom_ops = _is_compiling if _HAS_CUSTOM_OPS else _compat.not_compiling

if _HAS_CUSTOM_OPS:
    @torch.library.custom_op("fracfft::spectral_derivative", mutates_args=())
    def _op_forward(x: torch.Tensor, alpha: torch.Tensor, dim: list[int], method: str, kind: str,
                    dx: list[float], workers: int, backend: str | None) -> torch.Tensor:
        return _forward_impl(x, alpha, tuple(dim), method, kind, tuple(dx), workers,
                             backend)[0]

    @_op_forward.register_fake
    def _(x, alpha, dim, method, kind, dx, workers, backend):
        _, out_dtype = _compute_tensor(torch.empty(0, dtype=x.dtype))
        return torch.empty(x.shape, dtype=out_dtype, device=x.device)

    @torch.library.custom_op("fracfft::spectral_derivative_vjp", mutates_args=())
    def _op_vjp(g: torch.Tensor, x: torch.Tensor, alpha: torch.Tensor, dim: list[int], method: str,
                kind: str, dx: list[float], workers: int, backend: str | None, need_x: bool,
                need_alpha: bool) -> tuple[torch.Tensor, torch.Tensor]:
        gx, galpha = _backward_impl(g, x, alpha, tuple(dim), method, kind, tuple(dx), workers,
                                    backend, need_x, need_alpha)
        gx = gx.to(x.dtype) if need_x else torch.empty(0, dtype=x.dtype, device=x.device)
        if need_alpha:
            ga = _alpha_grad_tensor(galpha, alpha)
        else:
            ga = torch.empty(0, dtype=alpha.dtype, device=alpha.device)
        return gx, ga

    @_op_vjp.register_fake
    def _(g, x, alpha, dim, method, kind, dx, workers, backend, need_x, need_alpha):
        gx = x.new_empty(x.shape if need_x else (0,))
        ga = alpha.new_empty(alpha.shape if need_alpha else (0,))
        return gx, ga


# --------------------------------------------------------------------------------------------
# The autograd Function
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=256)
def _static_args(dim, ndim, kind, dx, workers):
    kind = _validate.normalize_kind(kind)
    dims = _normalize_dim(dim, ndim)
    if workers is not None:  # None: torch.get_num_threads() at call time
        workers = _validate.normalize_workers(workers)
    return dims, kind, _validate.normalize_dx(dx, len(dims)), workers


def _normalize_args(x, alpha, dim, method, kind, dx, workers, backend, compiling=None):
    """Validate the cheap arguments once, in the form every path uses.

    ``compiling``: whether dynamo traces this call, when the caller has asked already.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor; got {type(x).__name__}")
    uncached = _static_args.__wrapped__
    try:
        # dynamo traces the plain function (it warns about lru_cache wrappers)
        if compiling is None:
            compiling = _is_compiling()
        static = uncached if compiling else _static_args
        dims, kind, dxs, workers = static(dim, x.dim(), kind, dx, workers)
    except TypeError:  # unhashable (a list): validate without the cache
        dims, kind, dxs, workers = uncached(dim, x.dim(), kind, dx, workers)
    if isinstance(alpha, bool) or not isinstance(alpha, (torch.Tensor, float, int, np.floating,
                                                         np.integer, np.ndarray)):
        raise TypeError(f"alpha must be a float or a real tensor; got {type(alpha).__name__}")
    if not isinstance(alpha, torch.Tensor):
        alpha = _validate.normalize_alpha(alpha, tuple(x.shape), dims)
        if isinstance(alpha, np.ndarray):
            alpha = torch.from_numpy(alpha)
    return alpha, dims, method, kind, dxs, workers, backend


# --------------------------------------------------------------------------------------------
# Higher derivatives: every derivative of y = S x is again an operator S_(order, conj) of the core
# --------------------------------------------------------------------------------------------

def _reduce_to_alpha(d, g, alpha):
    r"""``Re sum(d * conj(g))`` summed to ``alpha``'s shape, with torch ops (so differentiable).

    ``d = dy/dalpha`` is in real space, where every sample counts once (no half-spectrum
    weights). Half precision accumulates in float32; the result has alpha's dtype.
    """
    prod = torch.real(d * g.conj())
    if prod.dtype in _UPCAST:
        prod = prod.float()
    total = prod.sum() if alpha.dim() == 0 else prod.sum_to_size(alpha.shape)
    return total.to(alpha.dtype)


def _composed_backward(ctx, g):
    r"""Gradients of ``y = S_(order, conj) x`` built from operators, so themselves differentiable.

    :math:`g_x = S_{(order, \lnot conj)}\,g` (the adjoint: conjugate symbol) and
    :math:`g_\alpha = \mathrm{Re}\sum S_{(order+1, conj)}(x)\,\bar g`, reduced to alpha's shape.
    """
    order, conj = ctx.spec
    x, alpha_t = ctx.saved_tensors
    alpha = alpha_t if alpha_t is not None else ctx.alpha
    need_alpha = alpha_t is not None and ctx.needs_input_grad[1]
    gx = ga = None
    if ctx.needs_input_grad[0]:
        gx = _SymbolOperator.apply(g, alpha, order, not conj, *ctx.args)
        if gx.dtype != ctx.x_dtype:
            gx = gx.to(ctx.x_dtype)
    if need_alpha:
        _mode_name(order + 1, conj)  # fail before any work when the order is not available
        ga = _reduce_to_alpha(_SymbolOperator.apply(x, alpha, order + 1, conj, *ctx.args), g,
                              alpha_t)
    return gx, ga


def _composed_jvp(ctx, x_t, alpha_t):
    r"""Forward mode of ``y = S_(order, conj) x``: :math:`S x_t + \alpha_t\,S_{(order+1)} x`."""
    order, conj = ctx.spec
    x, alpha_saved = ctx.saved_tensors  # save_for_forward's tensors
    alpha = alpha_saved if alpha_saved is not None else ctx.alpha
    out = None
    if x_t is not None:
        out = _SymbolOperator.apply(x_t, alpha, order, conj, *ctx.args)
    if alpha_t is not None and alpha_saved is not None:
        # alpha_t has alpha's shape, which broadcasts against x (one order per channel)
        term = _SymbolOperator.apply(x, alpha, order + 1, conj, *ctx.args) * alpha_t
        out = term if out is None else out + term
    if out is None:
        return None
    return out if out.dtype == ctx.out_dtype else out.to(ctx.out_dtype)


def _setup(ctx, x, alpha, output, spec, args):
    """Keep what backward and jvp need; backward saves x only when alpha needs a gradient."""
    ctx.spec = spec
    ctx.args = args
    alpha_t = alpha if isinstance(alpha, torch.Tensor) else None
    ctx.alpha = alpha
    need_alpha = alpha_t is not None and ctx.needs_input_grad[1]
    ctx.save_for_backward(x if need_alpha else None, alpha_t)
    if _forward_ad_active():
        # Kept only while forward-mode AD runs (torch drops them right after the forward).
        ctx.save_for_forward(x, alpha_t)
    ctx.x_dtype = x.dtype
    ctx.out_dtype = output.dtype


def _vmap_inputs(in_dims, x, alpha, logical_ndim):
    """Move the vmapped dims of ``x`` and ``alpha`` to the front, alpha broadcastable to x."""
    x_bdim, a_bdim = in_dims[0], in_dims[1]
    if x_bdim is not None:
        x = x.movedim(x_bdim, 0)
    if a_bdim is not None:
        alpha = alpha.movedim(a_bdim, 0)
        size = alpha.shape[0]
        logical = alpha.shape[1:]
        if len(logical) > logical_ndim:
            raise ValueError(f"alpha with shape {tuple(logical)} has more dimensions than x")
        alpha = alpha.reshape((size,) + (1,) * (logical_ndim - len(logical)) + logical)
        if x_bdim is None:
            x = x.expand((size,) + tuple(x.shape))
    elif isinstance(alpha, torch.Tensor) and alpha.dim() > logical_ndim:
        raise ValueError(f"alpha with shape {tuple(alpha.shape)} has more dimensions than x")
    return x, alpha


class _SymbolOperator(torch.autograd.Function):
    """``y = S_(order, conj)(alpha) x``, the operator of one symbol mode of the core.

    ``S``'s symbol is ``d^order K/dalpha^order`` (conjugated when ``conj``); the arguments come
    already normalised by the public Function.

    Its backward and forward mode are operators of the same family (:func:`_composed_backward`,
    :func:`_composed_jvp`), so it is differentiable as often as the core has alpha-derivatives.
    """

    @staticmethod
    def forward(x, alpha, order, conj, dims, method, kind, dxs, workers, backend):
        return _forward_impl(x, alpha, dims, method, kind, dxs, workers, backend,
                             _mode_name(order, conj))[0]

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, alpha, order, conj, *args = inputs
        _setup(ctx, x, alpha, output, (order, conj), tuple(args))

    @staticmethod
    def backward(ctx, grad_output):
        return _composed_backward(ctx, grad_output) + (None,) * 8

    @staticmethod
    def jvp(ctx, x_t, alpha_t, *_):
        return _composed_jvp(ctx, x_t, alpha_t)

    @staticmethod
    def vmap(info, in_dims, x, alpha, order, conj, dims, method, kind, dxs, workers, backend):
        x, alpha = _vmap_inputs(in_dims, x, alpha, x.dim() - (in_dims[0] is not None))
        dims = tuple(d + 1 for d in dims)
        return _SymbolOperator.apply(x, alpha, order, conj, dims, method, kind, dxs, workers,
                                     backend), 0


# --------------------------------------------------------------------------------------------
# The autograd Function
# --------------------------------------------------------------------------------------------

class SpectralFractionalDerivative(torch.autograd.Function):
    r"""``y = D^alpha x`` along ``dim`` as a ``torch.autograd.Function``.

    ``SpectralFractionalDerivative.apply(x, alpha, dim=-1, method="auto", kind="weyl",
    dx=1.0, workers=None, backend=None)``; see :func:`fractional_derivative` for the formula
    and the arguments. Gradients flow to ``x`` (the adjoint symbol :math:`\bar K`) and to
    ``alpha`` (:math:`\partial_\alpha K` by Parseval), both from one FFT of the incoming
    gradient; the other arguments get ``None``.

    Saved for backward: the input ``x`` (no copy, version-checked by autograd) only when
    ``alpha`` needs a gradient -- its spectrum is recomputed there, except on host tensors:
    small ones (at most 16384 elements, a scalar order) keep their spectrum and symbols, and
    larger ones of a one-axis weyl derivative of real input keep the products
    :math:`P = K\mathcal F x` (the buffer the inverse transform reads anyway), which the first
    backward consumes block by block, so the peak memory stays that of a recomputing backward
    (a second backward of the same graph recomputes them, to the same gradients bit for bit).
    The x-gradient needs no saved data. Per call: 2 transforms forward; backward 2 (x only),
    2 (alpha only) or 3 (both; 2 where the forward kept its spectrum or products). Repeated
    small host calls with the same arguments and a 0-d tensor order skip the arguments'
    validation after the first.

    Twice differentiable: when a graph of the backward is wanted (``create_graph=True``, and
    always under ``torch.func``), the gradients are composed from operators of the same family,
    :math:`g_x = \bar K g` and :math:`g_\alpha = \mathrm{Re}\sum(\partial_\alpha K x)\bar g`,
    each differentiable again in ``x`` and ``alpha`` (up to :math:`\partial^2_\alpha K`, so
    second derivatives in alpha; a third raises ``NotImplementedError``). Forward mode
    (``jvp``): :math:`\dot y = K\dot x + \dot\alpha\,\partial_\alpha K x`.

    Works under every ``torch.func`` transform (``grad``, ``vjp``, ``jvp``, ``jacrev``,
    ``jacfwd``, ``hessian``, ``vmap``: a batching rule folds the vmapped dimension into the
    batch) and ``torch.compile`` (opaque custom ops ``fracfft::spectral_derivative`` and
    ``fracfft::spectral_derivative_vjp``; first derivatives).

    Examples
    --------
    >>> import math, torch
    >>> from fracfft.torch import SpectralFractionalDerivative
    >>> t = 2 * math.pi * torch.arange(64, dtype=torch.float64) / 64
    >>> x = torch.sin(t).requires_grad_()
    >>> alpha = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    >>> y = SpectralFractionalDerivative.apply(x, alpha, -1, "auto", "weyl", t[1].item())
    >>> torch.allclose(y, torch.cos(t))
    True
    >>> y.sum().backward()
    >>> x.grad.shape, alpha.grad.shape
    (torch.Size([64]), torch.Size([]))
    """

    @classmethod
    def apply(cls, *args, **kwargs):
        """Apply the Function: ``apply(x, alpha, dim, method, kind, dx, workers, backend)``.

        ``torch.autograd.Function.apply`` binds every call's arguments to :meth:`forward`'s
        signature with ``inspect`` (a few microseconds, as long as the transforms of a short
        row); for positional arguments outside ``torch.func`` the defaults are filled here
        instead and torch's own C++ apply is called, as ``Function.apply`` does after binding.
        """
        n = len(args)
        if kwargs or not 2 <= n <= 8 or _DIRECT_APPLY is None or _functorch_active():
            return super().apply(*args, **kwargs)
        x, alpha = args[0], args[1]
        # What Function.apply does outside torch.func: a dead torch.func wrapper (a tensor that
        # escaped its transform) is unwrapped to the tensor it holds.
        if isinstance(x, torch.Tensor):
            x = _DIRECT_APPLY.unwrap_if_dead(x)
        if isinstance(alpha, torch.Tensor):
            alpha = _DIRECT_APPLY.unwrap_if_dead(alpha)
        return super(torch.autograd.Function, cls).apply(x, alpha, *args[2:],
                                                         *_FORWARD_DEFAULTS[n - 2:])

    @staticmethod
    def forward(x, alpha, dim=-1, method="auto", kind="weyl", dx=1.0, workers=None,
                backend=None):
        """Return ``D^alpha x`` (no graph bookkeeping here: see :meth:`setup_context`)."""
        compiling = _is_compiling()
        if not compiling:
            out = _lane_forward(x, alpha, dim, method, kind, dx, workers, backend)
            if out is not None:
                return out
        given = dim, method, kind, dx, workers, backend
        alpha, dims, method, kind, dxs, workers, backend = _normalize_args(
            x, alpha, dim, method, kind, dx, workers, backend, compiling)
        if _HAS_CUSTOM_OPS and compiling:  # _use_custom_ops(), asked once per call
            a = alpha if isinstance(alpha, torch.Tensor) else torch.tensor(alpha,
                                                                          dtype=torch.float64)
            return torch.ops.fracfft.spectral_derivative(x, a, list(dims), method, kind,
                                                         list(dxs), workers or 0, backend)
        keep = isinstance(alpha, torch.Tensor) and alpha.requires_grad
        args = (dims, method, kind, dxs, workers, backend)
        out, kept = _forward_impl(x, alpha, *args, keep=keep)
        _LAST.slot = (weakref.ref(out), alpha, args, kept)
        if kept is not None and isinstance(alpha, torch.Tensor) and alpha.dim() == 0:
            _add_lane(x, *given, kept[0], args)
        return out

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Keep the normalised arguments; save ``x`` only when alpha needs a gradient."""
        x, alpha, *rest = inputs
        last = getattr(_LAST, "slot", None)
        _LAST.slot = None
        if last is not None and last[0]() is output:
            _, alpha_n, args, ctx.kept = last
        else:  # the forward ran elsewhere (custom op, compile): validate here
            dim, method, kind, dx, workers, backend = (rest + [-1, "auto", "weyl", 1.0, None,
                                                               None][len(rest):])
            alpha_n, *args = _normalize_args(x, alpha, dim, method, kind, dx, workers, backend)
            args = tuple(args)
            ctx.kept = None
        ctx.alpha_is_tensor = isinstance(alpha, torch.Tensor)
        # alpha's value travels as a float / tiny array unless it is a tensor (its graph).
        _setup(ctx, x, alpha if ctx.alpha_is_tensor else alpha_n, output, (0, False), args)

    @staticmethod
    def backward(ctx, grad_output):
        """Return the x- and alpha-gradients (from one transform of ``grad_output``)."""
        need_x = ctx.needs_input_grad[0]
        need_alpha = ctx.alpha_is_tensor and ctx.needs_input_grad[1]
        if not (need_x or need_alpha):
            return (None,) * 8
        x, alpha = ctx.saved_tensors
        dims, method, kind, dxs, workers, backend = ctx.args
        if _use_custom_ops():
            a = alpha if alpha is not None else torch.tensor(ctx.alpha, dtype=torch.float64)
            xs = x if x is not None else grad_output
            gx, ga = torch.ops.fracfft.spectral_derivative_vjp(
                grad_output, xs, a, list(dims), method, kind, list(dxs), workers or 0, backend,
                need_x, need_alpha)
            return (gx if need_x else None, ga if need_alpha else None) + (None,) * 6
        if torch.is_grad_enabled() or _is_functorch_wrapped(grad_output):
            # A graph of the backward is wanted (create_graph, or a torch.func transform, whose
            # tensors the engine cannot read directly): compose it from differentiable operators.
            return _composed_backward(ctx, grad_output) + (None,) * 6
        grads = None
        if ctx.kept is not None:
            grads = _kept_backward(ctx.kept, grad_output, need_x, need_alpha)
        if grads is None:
            grads = _backward_impl(grad_output, x, ctx.alpha, dims, method, kind, dxs, workers,
                                   backend, need_x, need_alpha)
        gx, galpha = grads
        if gx is not None and gx.dtype != ctx.x_dtype:
            gx = gx.to(ctx.x_dtype)
        ga = _alpha_grad_tensor(galpha, alpha) if need_alpha else None
        return (gx, ga) + (None,) * 6

    @staticmethod
    def jvp(ctx, x_t, alpha_t, *_):
        r"""Forward mode: :math:`K\dot x + \dot\alpha\,\partial_\alpha K x`."""
        return _composed_jvp(ctx, x_t, alpha_t)

    @staticmethod
    def vmap(info, in_dims, x, alpha, dim=-1, method="auto", kind="weyl", dx=1.0,
             workers=None, backend=None):
        """Batching rule: the vmapped dimension becomes one more (untransformed) batch dim."""
        logical_ndim = x.dim() - (in_dims[0] is not None)
        dims = _normalize_dim(dim, logical_ndim)
        x, alpha = _vmap_inputs(in_dims, x, alpha, logical_ndim)
        dims = tuple(d + 1 for d in dims)
        out = SpectralFractionalDerivative.apply(x, alpha, dims, method, kind, dx, workers,
                                                 backend)
        return out, 0


class _CompiledSpectralDerivative(SpectralFractionalDerivative):
    """The same Function without forward mode, for ``torch.compile``.

    Dynamo (torch 2.13) cannot trace an ``autograd.Function`` that defines ``jvp`` and breaks
    the graph there, so :func:`fractional_derivative` and :class:`FractionalDerivative` use this
    twin while compiling (first derivatives through the custom ops).
    """

    jvp = staticmethod(torch.autograd.Function.jvp)


def _function():
    """Return the Function to apply: the jvp-less twin while dynamo traces, else the public one."""
    if _is_compiling():
        return _CompiledSpectralDerivative
    return SpectralFractionalDerivative


# Defaults of forward's optional arguments, filled by SpectralFractionalDerivative.apply.
_FORWARD_DEFAULTS = tuple(p.default for p in list(
    inspect.signature(SpectralFractionalDerivative.forward).parameters.values())[2:])

# Function.apply binds its arguments to forward's signature on every call (setup_context
# style); a precomputed signature spares inspect's work, a third of the cost at small N.
for _fn in (SpectralFractionalDerivative, _CompiledSpectralDerivative, _SymbolOperator):
    _fn.forward.__signature__ = inspect.signature(_fn.forward)
del _fn


def fractional_derivative(x, alpha, dim=-1, *, kind="weyl", method="auto", dx=1.0,
                          workers=None, backend=None):
    r"""Spectral fractional derivative of a tensor, differentiable in ``x`` and ``alpha``.

    On a uniform periodic grid with :math:`\xi = 2\pi\,\mathrm{fftfreq}(n, dx)` along ``dim``,

    .. math:: D^\alpha x = \mathcal F^{-1}\left[K_\alpha(\xi)\,\mathcal F x\right],

    ``kind="weyl"``: :math:`K_\alpha(\xi) = (i\xi)^\alpha
    = |\xi|^\alpha e^{i\,\mathrm{sign}(\xi)\pi\alpha/2}` (principal branch; the Nyquist bin of
    an even length keeps the real part :math:`|\xi|^\alpha\cos(\pi\alpha/2)`);
    ``kind="riesz"``: :math:`K_\alpha(\xi) = -|\xi|^\alpha`. The mean is removed for
    ``alpha != 0`` (:math:`K(0) = 0`), and ``alpha == 0`` is the identity. Gradients:
    :math:`\partial L/\partial x = \mathcal F^{-1}[\bar K_\alpha G]` and
    :math:`\partial L/\partial\alpha = \mathrm{Re}\,\frac1N\sum\partial_\alpha K_\alpha X\bar G`
    with :math:`G = \mathcal F g`, computed by the NumPy core, not by differentiating an FFT.
    The gradients are differentiable again (``create_graph=True``, Hessians) and every
    ``torch.func`` transform works; see :class:`SpectralFractionalDerivative`.

    Parameters
    ----------
    x : torch.Tensor
        Samples, on the CPU or a CUDA device. Real input gives a real result of the same
        dtype; float16 and bfloat16 compute in float32 and come back in their dtype; complex
        input gives a complex result (use ``method="fft"`` or ``"auto"``); bool and integer
        input is promoted to ``torch.get_default_dtype()``. Never modified.
    alpha : float or torch.Tensor
        The order (finite, real; negative orders integrate). A tensor may be 0-d or hold one
        order per channel: it must broadcast against ``x`` and have size 1 along ``dim``. Its
        gradient has its shape and dtype.
    dim : int or tuple of int, optional
        Dimension(s) to transform. Over several dims weyl is the composition of the 1-D
        operators and riesz is isotropic (Euclidean :math:`|\xi|`).
    kind : {"weyl", "riesz", "gl", "gl2", "caputo"}, optional
        Symbol family; the causal kinds are the full-history convolutions of
        :func:`fracfft.weights` (see :doc:`/causal`), computed on a zero-padded grid.
    method : {"auto", "fft", "rfft"}, optional
        ``"auto"``: rfft for real input, fft for complex input.
    dx : float or tuple of float, optional
        Grid spacing, one value or one per dim.
    workers : int, optional
        FFT threads on the CPU; default ``torch.get_num_threads()``.
    backend : str, optional
        FFT backend for this call (default: :func:`fracfft.get_fft_backend`).

    Returns
    -------
    torch.Tensor
        A new tensor with the shape of ``x``.

    Raises
    ------
    ValueError
        Non-finite or complex ``alpha``, an ``alpha`` that does not broadcast or has size > 1
        along ``dim``; bad ``dx``, unknown ``kind``/``method``/``backend``, repeated dims,
        a transformed dim of length 0, complex input with ``method="rfft"``.
    numpy.exceptions.AxisError
        0-d ``x`` or ``dim`` out of range.

    Examples
    --------
    >>> import math, torch
    >>> from fracfft.torch import fractional_derivative
    >>> t = torch.arange(64, dtype=torch.float64) * (2 * math.pi / 64)
    >>> y = fractional_derivative(torch.sin(3 * t), 1.0, dx=2 * math.pi / 64)
    >>> torch.allclose(y, 3 * torch.cos(3 * t))
    True
    """
    return _function().apply(x, alpha, dim, method, kind, dx, workers, backend)


# --------------------------------------------------------------------------------------------
# Modules
# --------------------------------------------------------------------------------------------

def _check_bounds(alpha_min, alpha_max):
    lo, hi = float(alpha_min), float(alpha_max)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite alpha_min < alpha_max; got {alpha_min!r}, {alpha_max!r}")
    return lo, hi


class BoundedAlphaParameter(nn.Module):
    r"""A learnable order kept inside ``(alpha_min, alpha_max)``.

    :math:`\alpha = \alpha_{min} + (\alpha_{max} - \alpha_{min})\,\sigma(\rho)` with
    :math:`\rho` the raw parameter :attr:`rho`, stored in float64 so that ``alpha_init``
    round-trips to round-off. Calling the module returns :math:`\alpha`.

    Parameters
    ----------
    alpha_init : float or array_like, optional
        Initial order(s), strictly inside ``(alpha_min, alpha_max)``. An array gives one
        order per channel (``rho`` takes its shape).
    alpha_min, alpha_max : float, optional
        Finite bounds, ``alpha_min < alpha_max``.

    Raises
    ------
    ValueError
        If ``alpha_init`` is NaN, on a bound or outside, or the bounds are not finite and
        ordered -- never a silent clamp.

    Examples
    --------
    >>> import torch
    >>> from fracfft.torch import BoundedAlphaParameter
    >>> order = BoundedAlphaParameter(alpha_init=0.3, alpha_min=0.0, alpha_max=2.0)
    >>> order()
    tensor(0.3000, dtype=torch.float64, grad_fn=<AddBackward0>)
    >>> [name for name, _ in order.named_parameters()]
    ['rho']
    """

    def __init__(self, alpha_init=0.5, alpha_min=0.0, alpha_max=2.0):
        super().__init__()
        lo, hi = _check_bounds(alpha_min, alpha_max)
        a = np.asarray(alpha_init.detach().cpu() if isinstance(alpha_init, torch.Tensor)
                       else alpha_init, dtype=np.float64)
        if np.any(np.isnan(a)) or not np.all((a > lo) & (a < hi)):
            raise ValueError(
                f"alpha_init must lie strictly inside ({lo}, {hi}); got {alpha_init!r}")
        p = (a - lo) / (hi - lo)
        rho = np.log(p) - np.log1p(-p)  # logit, accurate near both ends
        self.alpha_min = lo
        self.alpha_max = hi
        self.rho = nn.Parameter(torch.as_tensor(rho, dtype=torch.float64))

    def forward(self):
        """Return the current order ``alpha`` (a tensor shaped like :attr:`rho`)."""
        return self.alpha_min + (self.alpha_max - self.alpha_min) * torch.sigmoid(self.rho)

    def extra_repr(self):
        """Return the bounds for ``repr``."""
        return f"alpha_min={self.alpha_min}, alpha_max={self.alpha_max}"


class FractionalDerivative(nn.Module):
    r"""Layer computing :math:`D^\alpha x` along ``dim`` (see :func:`fractional_derivative`).

    Parameters
    ----------
    alpha : float or array_like, optional
        Initial (``learnable=True``) or fixed order; an array gives one order per channel.
    learnable : bool, optional
        If True, ``alpha`` is a :class:`BoundedAlphaParameter` in
        ``(alpha_min, alpha_max)`` (``alpha`` must lie strictly inside); otherwise a float64
        buffer.
    dim : int or tuple of int, optional
        Dimension(s) to transform.
    kind : {"weyl", "riesz", "gl", "gl2", "caputo"}, optional
        Symbol family (causal kinds: see :func:`fracfft.weights`).
    alpha_min, alpha_max : float, optional
        Bounds of a learnable order.
    method : {"auto", "fft", "rfft"}, optional
        FFT flavour.
    dx : float or tuple of float, optional
        Grid spacing.
    workers : int, optional
        CPU FFT threads (default ``torch.get_num_threads()``).

    Raises
    ------
    ValueError
        If ``kind`` or ``method`` is unknown, a learnable ``alpha`` is not strictly inside
        ``(alpha_min, alpha_max)``, or a fixed ``alpha`` is not finite.

    Examples
    --------
    >>> import math, torch
    >>> from fracfft.torch import FractionalDerivative
    >>> n = 64
    >>> layer = FractionalDerivative(alpha=1.0, learnable=False, dx=2 * math.pi / n)
    >>> t = 2 * math.pi * torch.arange(n, dtype=torch.float64) / n
    >>> torch.allclose(layer(torch.sin(t)), torch.cos(t))
    True

    Inside a model, a learnable order is trained like any other parameter:

    >>> model = torch.nn.Sequential(FractionalDerivative(alpha=0.5), torch.nn.Tanh())
    >>> opt = torch.optim.Adam(model.parameters(), lr=0.01)
    >>> loss = model(torch.randn(8, n, dtype=torch.float64)).pow(2).mean()
    >>> loss.backward()
    >>> opt.step()
    """

    def __init__(self, alpha=0.5, *, learnable=True, dim=-1, kind="weyl", alpha_min=0.0,
                 alpha_max=2.0, method="auto", dx=1.0, workers=None):
        super().__init__()
        self.kind = _validate.normalize_kind(kind)
        if method not in _validate.METHODS:
            _validate.normalize_method(method, False)  # raises with the allowed names
        self.method = method
        self.dim = tuple(dim) if isinstance(dim, (tuple, list)) else operator.index(dim)
        self.dx = tuple(dx) if isinstance(dx, (tuple, list)) else float(dx)
        self.workers = workers
        self.learnable = bool(learnable)
        if self.learnable:
            self.alpha_param = BoundedAlphaParameter(alpha, alpha_min, alpha_max)
        else:
            a = torch.as_tensor(alpha, dtype=torch.float64).detach().clone()
            if not torch.all(torch.isfinite(a)):
                raise ValueError(f"alpha must be finite; got {alpha!r}")
            self.register_buffer("alpha_value", a)

    @property
    def alpha(self) -> torch.Tensor:
        """The current order (differentiable when learnable)."""
        return self.alpha_param() if self.learnable else self.alpha_value

    def forward(self, x):
        """Return ``D^alpha x``."""
        return _function().apply(x, self.alpha, self.dim, self.method, self.kind, self.dx,
                                  self.workers, None)

    def extra_repr(self):
        """Return the settings for ``repr``."""
        return (f"kind={self.kind!r}, dim={self.dim}, learnable={self.learnable}, "
                f"method={self.method!r}")
