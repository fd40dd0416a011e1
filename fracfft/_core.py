r"""The one private core: apply a Fourier symbol along axes.

Every operator of the package is :math:`y = \mathcal F^{-1}[S\cdot\mathcal F x]` for some
symbol :math:`S`: the derivative (:math:`K`), its adjoint (:math:`\bar K`) and its
alpha-derivatives (:math:`\partial_\alpha K`, :math:`\partial^2_\alpha K`). The causal
kinds (SPEC §5) are the same steps on a zero-padded grid: the transforms pad every
transformed axis to a length :math:`L \ge 2N - 1` (``Plan.ns``), the symbol is the spectrum
of the convolution weights (:mod:`fracfft.causal`), and the inverse crops back to :math:`N`,
so the circular convolution is the exact linear one. Caputo's operator is :math:`C P` with
:math:`P x = x - x_0`; its adjoint is :math:`P^T C^T`. :func:`apply` does it for the NumPy API;
:func:`make_plan`, :func:`forward`, :func:`inverse` and :func:`vjp` are the same steps
exposed for the autograd bridge, which needs the spectrum of its input and both gradients
from one transform of the incoming gradient.

Host and GPU arrays take the same steps: the transforms go through the FFT registry
(:func:`fracfft.fft._registry.execute`) and every operation on a spectrum or an array that may
live on a device through the seam :mod:`fracfft._device`; nothing here imports a kernel module
or CuPy.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import numpy as np

from . import _device, _validate
from . import causal as _causal
from ._cache import put_bounded
from .fft._registry import check_backend_name, direct_route, execute
from .symbols import _CACHE as _SYMBOLS_CACHE
from .symbols import _alpha_key, grid_symbol, weyl_half_kept, weyl_half_product_weights
from .symbols import _build as build_grid_symbol

_COMPLEX = {np.dtype(np.float32): np.dtype(np.complex64),
            np.dtype(np.float64): np.dtype(np.complex128),
            np.dtype(np.complex64): np.dtype(np.complex64),
            np.dtype(np.complex128): np.dtype(np.complex128)}


@dataclass(frozen=True)
class Plan:
    """Normalised arguments of one operator application (see :func:`make_plan`)."""

    shape: tuple
    axes: tuple
    ns: tuple  # transform lengths: shape[axes], or the zero-padded lengths of a causal kind
    dxs: tuple
    alpha: object  # float, or float64 array with len(shape) dims and size 1 on axes
    kind: str
    method: str  # "fft" or "rfft"
    dtype: np.dtype  # compute dtype of x (float32/64, complex64/128)
    workers: int
    backend: object
    device: bool

    @property
    def real_input(self) -> bool:
        """True when x is real, so every output is real too."""
        return self.dtype.kind == "f"

    @property
    def causal(self) -> bool:
        """True for the causal kinds (zero-padded transforms)."""
        return self.kind in _validate.CAUSAL_KINDS

    @property
    def data_ns(self) -> tuple:
        """Lengths of the transformed axes of the data (before padding)."""
        return tuple(self.shape[a] for a in self.axes)

    @property
    def spectral_dtype(self) -> np.dtype:
        """Complex dtype of the spectrum."""
        return _COMPLEX[self.dtype]

    @functools.cached_property
    def grid_key(self) -> tuple:
        """Everything but the order that a symbol of this plan depends on (a cache key).

        Computed once per plan and carried to the plans :func:`with_order` derives from it.
        """
        return (len(self.shape), self.axes, self.data_ns, self.ns, self.dxs, self.method,
                self.kind, self.spectral_dtype)


def make_plan(x, alpha, axis, *, kind, dx, method, backend, workers, alpha_name="alpha",
              alpha_scale=1.0):
    """Validate the arguments of an operator call.

    Returns
    -------
    x : ndarray
        ``x`` in its compute dtype (a GPU array is returned as it is).
    plan : Plan
        Everything the transforms and the symbol need.
    """
    key = None
    if type(x) is np.ndarray and x.dtype in _COMPLEX:
        # A host array already in its compute dtype: the rest of the plan depends only on
        # hashable arguments, so a repeated call reuses it and validates just the order.
        key = (x.shape, x.dtype, axis, kind, dx, method, backend, workers)
        try:
            base = _PLANS.get(key)
        except TypeError:  # an unhashable axis or dx (list, array): validate in full
            key = base = None
        if base is not None:
            return x, with_order(base, alpha, alpha_name, alpha_scale)
    x = _validate.as_float_array(x)
    shape = tuple(x.shape)
    axes = _validate.normalize_axes(axis, len(shape))
    _validate.check_lengths(shape, axes)
    dxs = _validate.normalize_dx(dx, len(axes))
    if kind != "laplacian":  # the one private kind, reached only through fractional_laplacian
        kind = _validate.normalize_kind(kind)
    alpha = _validate.normalize_alpha(alpha, shape, axes, alpha_name) * alpha_scale
    _causal.check_alpha(kind, alpha, alpha_name)
    dtype = np.dtype(x.dtype)
    method = _validate.normalize_method(method, dtype.kind == "c")
    if backend is not None:
        backend = check_backend_name(backend)
    ns = tuple(shape[a] for a in axes)
    if kind in _validate.CAUSAL_KINDS:
        ns = tuple(_causal.padded_length(n) for n in ns)
    plan = Plan(shape, axes, ns, dxs, alpha, kind, method, dtype,
                _validate.normalize_workers(workers), backend, _validate.is_device_array(x))
    if key is not None:
        put_bounded(_PLANS, key, unordered(plan), _PLANS_MAX)
    return x, plan


def unordered(plan: Plan) -> dict:
    """Return ``plan``'s fields without its order, for :func:`with_order` (no alpha array kept)."""
    base = dict(plan.__dict__)
    base["alpha"] = None
    return base


def with_order(base, alpha, alpha_name="alpha", alpha_scale=1.0) -> Plan:
    """Return the validated plan ``base`` (a Plan's ``__dict__``) with another order.

    The order is checked as :func:`make_plan` checks it; nothing else is validated again.
    """
    alpha = _validate.normalize_alpha(alpha, base["shape"], base["axes"], alpha_name)
    alpha = alpha * alpha_scale
    _causal.check_alpha(base["kind"], alpha, alpha_name)
    plan = object.__new__(Plan)  # a frozen dataclass: fill its fields directly
    plan.__dict__.update(base)
    plan.__dict__["alpha"] = alpha
    return plan


# Validated plans of recent host calls (issue 14: validation was a third of a call at n = 32),
# keyed by the call's arguments except the order, which is checked on every call. At most
# _PLANS_MAX entries (each a few hundred bytes, holding no array data), oldest dropped first.
_PLANS: dict = {}
_PLANS_MAX = 64


def forward(plan: Plan, x):
    """Spectrum of ``x``: ``rfftn`` (method "rfft") or ``fftn`` over the plan's axes.

    Causal kinds zero-pad to ``plan.ns`` (the backends pad, as numpy's ``s`` does).
    """
    s = plan.ns if plan.causal else None
    if plan.method == "rfft":
        return execute("r2c", x, s, plan.axes, "backward", plan.workers, backend=plan.backend)
    if not plan.device:
        x = x.astype(plan.spectral_dtype, copy=False)
    return execute("c2c", x, s, plan.axes, True, "backward", plan.workers, backend=plan.backend)


def _crop(plan: Plan, out):
    """Return the first ``N`` samples of each padded axis (causal kinds) as a new array."""
    if not plan.causal:
        return out
    index = [slice(None)] * len(plan.shape)
    for ax in plan.axes:
        index[ax] = slice(0, plan.shape[ax])
    view = out[tuple(index)]
    return np.ascontiguousarray(view) if not plan.device else _device.fresh_copy(view)


def inverse(plan: Plan, spec):
    """Back to real space; real input gives a real array of the plan's dtype."""
    if plan.method == "rfft":
        return _crop(plan, execute("c2r", spec, plan.ns, plan.axes, "backward", plan.workers,
                                   backend=plan.backend))
    out = _crop(plan, execute("c2c", spec, None, plan.axes, False, "backward", plan.workers,
                              backend=plan.backend))
    if not plan.real_input:
        return out
    # The symbol is Hermitian, so the imaginary part is round-off by construction.
    return _device.real_part(out)


def symbol(plan: Plan, mode: str, cached: bool = True):
    """Return the symbol for ``mode`` in the spectrum's precision (cached, read-only).

    ``mode`` is one of :data:`fracfft.symbols.MODES` -- "forward" (``K``), "adjoint"
    (``conj(K)``), "dalpha" (``dK/dalpha``), "dalpha_adjoint", "dalpha2" (``d2K/dalpha2``),
    "dalpha2_adjoint" -- or "both" for the pair ``(K, dK/dalpha)``. Causal kinds give the
    spectra of their zero-padded weights (:func:`fracfft.causal.grid_spectrum`). ``cached``
    False builds it afresh and leaves the cache alone (for a caller that caches what it
    derives from the symbol instead).
    """
    single = plan.spectral_dtype == np.complex64
    if not plan.causal:
        args = (len(plan.shape), plan.axes, plan.ns, plan.dxs, plan.method == "rfft",
                plan.alpha, plan.kind, mode, single)
        return grid_symbol(*args) if cached else build_grid_symbol(*args)

    def build():
        k = _causal.grid_spectrum(len(plan.shape), plan.axes, plan.data_ns, plan.ns, plan.dxs,
                                  plan.method == "rfft", plan.alpha, plan.kind, mode)
        if not single:
            return k
        return tuple(_single(a) for a in k) if isinstance(k, tuple) else _single(k)

    # The weights' spectra share the periodic symbols' byte-bounded cache (and its rule:
    # stored on the second request, so a learned order leaves nothing behind).
    if not cached:
        return build()
    key = ("causal", len(plan.shape), plan.axes, plan.data_ns, plan.ns, plan.dxs,
           plan.method == "rfft", _alpha_key(plan.alpha), plan.kind, mode, single)
    return _SYMBOLS_CACHE.get(key, build)


def _single(k):
    return k.astype(np.complex64 if k.dtype.kind == "c" else np.float32)


def multiply(plan: Plan, spec, k):
    """``spec *= k`` in place (``spec`` is always the core's private buffer; see the seam)."""
    return _device.multiply(spec, k, backend=plan.backend, workers=plan.workers)


def apply(x, alpha, axis=-1, *, kind="weyl", dx=1.0, method="auto", backend=None, workers=None,
          mode="forward", alpha_name="alpha", alpha_scale=1.0):
    """Compute ``IFFT(S * FFT(x))`` with ``S`` the symbol of ``kind`` for ``mode``.

    The order is ``alpha * alpha_scale``; errors about it name ``alpha_name``.
    """
    x, plan = make_plan(x, alpha, axis, kind=kind, dx=dx, method=method, backend=backend,
                        workers=workers, alpha_name=alpha_name, alpha_scale=alpha_scale)
    if not plan.device and x.size == 0:
        return np.empty(plan.shape, plan.dtype)
    if (mode in ("forward", "adjoint") and plan.kind != "caputo"
            and isinstance(plan.alpha, float) and plan.alpha == 0.0):
        # K = 1 exactly: return a copy rather than the round-off of two transforms.
        return _device.fresh_copy(x) if plan.device else np.array(x, dtype=plan.dtype, copy=True)
    return run(plan, x, mode)


# Large host arrays are processed in blocks of rows along axis 0 of about this many bytes:
# the spectra then exist one block at a time, so the peak is the output plus a block, not
# the output plus a whole spectrum (and the alpha-gradient adds no full-size buffer).
_BLOCK_BYTES = 32 << 20
_CAUSAL_BLOCK_BYTES = 8 << 20


def _row_blocks(plan: Plan, itemsize: int):
    """Slices of axis 0 splitting the work into blocks of about ``_BLOCK_BYTES``, or None."""
    if plan.device or len(plan.shape) < 2 or 0 in plan.axes or plan.shape[0] < 2:
        return None
    nbytes = math.prod(plan.shape) * itemsize
    block = _BLOCK_BYTES
    if plan.causal:
        # The work arrays are the padded ones (about 2x per axis), and several of them live
        # at once (padded input, spectrum, padded output): smaller blocks keep them in cache
        # and the peak near the output's size.
        nbytes = nbytes * math.prod(plan.ns) // math.prod(plan.data_ns)
        block = _CAUSAL_BLOCK_BYTES
    if nbytes <= 2 * block:
        return None
    rows = plan.shape[0]
    step = max(1, rows * block // nbytes)
    return [slice(i, min(i + step, rows)) for i in range(0, rows, step)]


def _rows_of(a, sl):
    """Rows ``sl`` of an array broadcast along axis 0 (size 1 there: all of it)."""
    return a if np.shape(a)[0] == 1 else a[sl]


def _block_plan(plan: Plan, sl: slice) -> Plan:
    rows = len(range(*sl.indices(plan.shape[0])))
    alpha = plan.alpha if isinstance(plan.alpha, float) else _rows_of(plan.alpha, sl)
    return dataclasses.replace(plan, shape=(rows, *plan.shape[1:]), alpha=alpha)


def project(plan: Plan, x):
    """Caputo's :math:`P x = x - x_0` along every transformed axis (a new array); else ``x``."""
    return _device.project(x, plan.axes) if plan.kind == "caputo" else x


def project_adjoint(plan: Plan, y):
    """:math:`P^T y`: subtract the sum along each transformed axis from its element 0."""
    return _device.project_adjoint(y, plan.axes) if plan.kind == "caputo" else y


def _apply_block(plan: Plan, x, k, mode):
    if mode.endswith("adjoint"):
        return project_adjoint(plan, inverse(plan, multiply(plan, forward(plan, x), k)))
    return inverse(plan, multiply(plan, forward(plan, project(plan, x)), k))


def run(plan: Plan, x, mode: str = "forward"):
    """``IFFT(S * FFT(x))`` for a validated plan: the operator, adjoint or alpha-derivative."""
    k = symbol(plan, mode)
    blocks = _row_blocks(plan, x.dtype.itemsize)
    if blocks is None:
        return _apply_block(plan, x, k, mode)
    out = np.empty(plan.shape, plan.dtype)
    for sl in blocks:
        block = _block_plan(plan, sl)
        out[sl] = _apply_block(block, x[sl], _rows_of(k, sl), mode)
    return out


# The autograd bridge keeps the input's spectrum (and the symbol pair) from the forward for
# the backward when the spectrum has at most this many bins: a transform and, for a changing
# order, a symbol evaluation fewer per step, for at most 256 KiB per array held (the memory
# target, peak <= 3x the input, is about large arrays; these are small against any of them).
KEEP_BINS = 1 << 14


def run_kept(plan: Plan, x, keep: bool = True):
    """:func:`run` (mode "forward") that also returns what :func:`vjp` can reuse, or None.

    Returns ``(y, kept)``. For a host array of at most :data:`KEEP_BINS` elements ``kept`` is
    ``(plan, X, (K, adjoint, W), route)``: ``route`` is the transform route of :func:`_direct`,
    resolved once for the forward and the backward of one application; with ``keep``, a scalar
    order and a spectrum of at most :data:`KEEP_BINS` bins, ``X`` is the read-only spectrum of
    the (projected) input and the symbols come from :func:`_kept_symbols`, else both are None.
    A larger host array of a plan that :func:`keeps_products` gives, with ``keep``,
    ``(plan, KeptProducts, None, None)``. Other arrays give ``(run(plan, x), None)``.
    """
    if plan.device or x.size > KEEP_BINS:
        if keep and keeps_products(plan):
            return _run_keeping_products(plan, x)
        return run(plan, x), None
    # Arrays this small are never split into row blocks (_row_blocks: tens of MiB).
    direct = _direct(plan)
    spec = _forward_direct(plan, direct, project(plan, x))
    if not keep or spec.size > KEEP_BINS or not isinstance(plan.alpha, float):
        y = _inverse_direct(plan, direct, multiply(plan, spec, symbol(plan, "forward")))
        return y, (plan, None, None, direct)
    symbols = _kept_symbols(plan)
    product = _device.host_product(spec, symbols[0])  # a new array: the spectrum is kept
    spec.flags.writeable = False
    return _inverse_direct(plan, direct, product), (plan, spec, symbols, direct)


# Kept symbols of the last few small plans (issue 14), keyed by grid and order, beside the
# symbol cache rather than in it: a learned order is new at every step, and the cache's lock,
# LRU and doorkeeper cost as much as the symbols' arithmetic at this size, for entries that
# would never be read again. At most _KEPT_MAX entries (three arrays of at most KEEP_BINS
# bins each, 768 KiB), oldest dropped first; none while the symbol cache is off. The last plan
# object is checked first: a fixed order through the torch bridge's lane comes back with the
# same Plan, whose symbols then need no key at all.
_KEPT: dict = {}
_KEPT_MAX = 4
_LAST_KEPT = [(None, None)]


def keeps_products(plan: Plan) -> bool:
    r"""Tell whether a large forward of ``plan`` keeps its products ``P = K X`` for :func:`vjp`.

    One-axis weyl rfft host plans (a scalar order or one per channel), where
    :math:`\partial_\alpha K = K \log(i\xi)` lets the alpha-gradient read ``P``
    (:func:`fracfft.symbols.weyl_half_product_weights`): the backward then takes two
    transforms, not three.
    """
    return (plan.kind == "weyl" and plan.method == "rfft" and len(plan.axes) == 1
            and not plan.device)


class KeptProducts:
    """The spectra ``P = K X`` of a large forward, block by block, for one :func:`vjp`.

    A backward consumes them (:meth:`take`) and frees each block as soon as it is reduced, so
    the peak stays that of a recomputing backward; a second backward of the same graph
    (``retain_graph``) finds them gone and recomputes ``X``.
    """

    __slots__ = ("_parts", "symbol")

    def __init__(self, parts, symbol):
        self._parts = parts  # per row block: (read-only P, copy of X at the Nyquist bin or None)
        self.symbol = symbol  # the forward's K (read-only): a changing order is not rebuilt

    @property
    def taken(self) -> bool:
        """True once a backward has consumed the spectra."""
        return self._parts is None

    def take(self):
        """Return the list of parts (once; None after)."""
        parts, self._parts = self._parts, None
        return parts


def _nyquist_of(plan: Plan, spec):
    """Return a copy of ``spec`` at the Nyquist bin of the plan's (even) axis, else None."""
    n, ax = plan.ns[0], plan.axes[0]
    return np.take(spec, n // 2, axis=ax) if n % 2 == 0 else None


def _products(plan: Plan, x, k):
    """Return ``(P, X at the Nyquist bin)`` of one block, ``P = K X`` made in ``X``'s buffer."""
    spec = forward(plan, x)
    nyquist = _nyquist_of(plan, spec)
    return multiply(plan, spec, k), nyquist


def _run_keeping_products(plan: Plan, x):
    """:func:`run_kept` for a large array of a plan that :func:`keeps_products`."""
    k = symbol(plan, "forward")
    blocks = _row_blocks(plan, x.dtype.itemsize)
    out = None if blocks is None else np.empty(plan.shape, plan.dtype)
    parts = []
    for sl in blocks or (slice(None),):
        block = plan if blocks is None else _block_plan(plan, sl)
        product, nyquist = _products(block, x[sl], _rows_of(k, sl))
        y = inverse(block, product)  # the backends never write their input
        product.flags.writeable = False
        parts.append((product, nyquist))
        if blocks is None:
            out = y
        else:
            out[sl] = y
    return out, (plan, KeptProducts(parts, k), None, None)


def _vjp_products(plan: Plan, g, x, parts, need_x, k=None):
    """:func:`vjp` of a plan that :func:`keeps_products`, with its alpha-gradient.

    ``parts``: the forward's kept products (:class:`KeptProducts`), each freed once reduced,
    or None to recompute them from ``x`` block by block -- the same values, so a second
    backward of one graph gives the first one's gradients bit for bit. ``k``: the forward
    symbol, if at hand.
    """
    ax = plan.axes[0]
    logs, w = weyl_half_product_weights(len(plan.shape), ax, plan.ns[0], plan.dxs[0],
                                        plan.alpha)
    if k is None:
        k = symbol(plan, "forward")
    scalar = isinstance(plan.alpha, float)
    blocks = _row_blocks(plan, g.dtype.itemsize)  # the forward's blocks: the same dtype
    gx = np.empty(plan.shape, plan.dtype) if need_x and blocks is not None else None
    totals = []
    for i, sl in enumerate(blocks or (slice(None),)):
        block = plan if blocks is None else _block_plan(plan, sl)
        if parts is None:
            product, nyquist = _products(block, x[sl], _rows_of(k, sl))
        else:
            (product, nyquist), parts[i] = parts[i], None  # freed once reduced
        big_g = forward(block, g[sl])
        kb = _rows_of(k, sl) if need_x else None
        # the Nyquist term reads G before the reduction multiplies it by the adjoint
        if scalar:
            total = 0.0
            if nyquist is not None:
                total = w * float(np.vdot(_nyquist_of(block, big_g), nyquist).real)
            total += _device.product_vjp_reduce(product, big_g, logs, kb)
        else:  # per line, then summed to the orders' shape
            term = 0.0
            if nyquist is not None:
                term = _rows_of(w, sl) * np.expand_dims(
                    (nyquist * np.conj(_nyquist_of(block, big_g))).real, ax)
            total = _device.product_vjp_reduce(product, big_g, logs, kb, ax) + term
            total = total.sum(axis=tuple(d for d, s in enumerate(block.alpha.shape) if s == 1
                                         and total.shape[d] != 1), keepdims=True)
        totals.append(total)
        del product
        if need_x:
            y = inverse(block, big_g)
            if blocks is None:
                gx = y
            else:
                gx[sl] = y
    if scalar or plan.alpha.shape[0] == 1:
        return gx, sum(totals[1:], totals[0])
    return gx, np.concatenate(totals, axis=0)


def _kept_symbols(plan: Plan):
    """``(K, adjoint, W)`` of a kept small plan, read-only, memoised beside the symbol cache.

    ``adjoint`` is the x-gradient's symbol and ``W`` the alpha-derivative weighted for the
    one-dot-product reduction (:func:`fracfft._device.weighted_dalpha`): the backward of a
    fixed order is then two transforms, a dot product and a multiply (issue 14).
    """
    last, symbols = _LAST_KEPT[0]  # one tuple, replaced atomically
    on = _SYMBOLS_CACHE.max_bytes > 0
    if last is plan and on:
        return symbols
    key = (plan.grid_key, plan.alpha)
    symbols = _KEPT.get(key) if on else None
    if symbols is None:
        symbols = _build_kept_symbols(plan)
        if on:
            put_bounded(_KEPT, key, symbols, _KEPT_MAX)
    _LAST_KEPT[0] = (plan, symbols) if on else (None, None)
    return symbols


def _build_kept_symbols(plan: Plan):
    """Build :func:`_kept_symbols`'s read-only triple (the pair itself is not cached)."""
    if plan.kind == "weyl" and plan.method == "rfft" and len(plan.axes) == 1:
        k, weighted = weyl_half_kept(len(plan.shape), plan.axes[0], plan.ns[0], plan.dxs[0],
                                     plan.alpha, plan.spectral_dtype == np.complex64)
    else:
        k, dk = symbol(plan, "both", cached=False)
        weighted = _device.weighted_dalpha(dk, plan.axes, plan.ns, plan.method == "rfft")
    adjoint = np.conj(k) if plan.kind == "weyl" or plan.causal else k
    for a in (k, adjoint, weighted):
        a.flags.writeable = False
    return k, adjoint, weighted


def _direct(plan: Plan):
    """SciPy's direct 1-D route for a one-axis periodic rfft host plan, or None.

    Small calls (the autograd bridge's kept path) are a few microseconds of transform each:
    resolving the backend once per application, not once per transform, is a measurable part
    of them (issue 14). The route declines (None) whatever it does not serve.
    """
    if plan.causal or len(plan.axes) != 1 or plan.method != "rfft":
        return None
    return direct_route(plan.backend)


def _forward_direct(plan: Plan, direct, x):
    """:func:`forward` through ``direct`` (from :func:`_direct`) where it serves."""
    spec = None if direct is None else direct("rfft", x, None, plan.axes[0], plan.workers)
    return forward(plan, x) if spec is None else spec


def _inverse_direct(plan: Plan, direct, spec):
    """:func:`inverse` through ``direct`` (from :func:`_direct`) where it serves."""
    out = None if direct is None else direct("irfft", spec, plan.ns, plan.axes[0], plan.workers)
    return inverse(plan, spec) if out is None else out


def vjp(plan: Plan, g, x=None, *, need_x=True, need_alpha=True, kept=None):
    r"""Return the gradients of a real loss :math:`L` through :math:`y = D^\alpha x`.

    ``g`` is :math:`\partial L/\partial\bar y` (torch's convention for the incoming gradient)
    and ``x`` the operator's input (needed only for the alpha-gradient). With
    :math:`G = \mathcal F g` and :math:`X = \mathcal F x`:

    * :math:`\partial L/\partial\bar x = \mathcal F^{-1}[\bar K G]` (the adjoint operator), and
    * :math:`\partial L/\partial\alpha = \mathrm{Re}\,\frac1N\sum_k \partial_\alpha K_k X_k\bar G_k`
      (Parseval), summed to the shape of alpha; on a half (rfft) spectrum the bins that stand
      for two conjugate bins count twice.

    Both come from the one transform :math:`G`; :math:`X` is freed before the x-gradient is
    allocated, large arrays go block by block (:func:`_row_blocks`), and :math:`K`,
    :math:`\bar K` and :math:`\partial_\alpha K` come from one symbol evaluation. Host and
    device arrays alike: the arithmetic on spectra goes through :mod:`fracfft._device`, which
    reduces a device spectrum on its device (only alpha's shape comes back). ``kept`` (from
    :func:`run_kept` on the same plan, or one that differs only in ``workers``) supplies the
    transform route from the forward pass, and :math:`X` and the symbols where it kept them;
    kept products :math:`P = KX` (:class:`KeptProducts`) are consumed for the
    alpha-gradient, after which only ``x`` can serve.

    Returns
    -------
    (gx, galpha)
        ``gx`` in real space (None unless ``need_x``); ``galpha`` a float for a scalar alpha,
        else an array of the normalised alpha's shape (None unless ``need_alpha``).
    """
    direct = None
    if kept is not None:  # a host call (run_kept)
        direct = kept[3]
        if need_alpha and isinstance(kept[1], KeptProducts):  # a large call: P = K X kept
            parts = kept[1].take()
            if parts is None and x is None:
                raise ValueError("the kept spectra were consumed by an earlier backward; "
                                 "pass x to recompute them")
            return _vjp_products(plan, g, x, parts, need_x, kept[1].symbol)
        if need_alpha and kept[1] is not None:  # X and the symbols kept
            _, spectrum_x, (_, adjoint, weighted_dk), _ = kept
            big_g = _forward_direct(plan, direct, g)
            galpha = _device.small_vjp_reduce(spectrum_x, big_g, weighted_dk,
                                              adjoint if need_x else None)
            gx = project_adjoint(plan, _inverse_direct(plan, direct, big_g)) if need_x else None
            return gx, galpha
    if need_alpha and keeps_products(plan):  # the route of the kept products, recomputed
        return _vjp_products(plan, g, x, None, need_x)
    dk = None
    if need_alpha:
        k, dk = symbol(plan, "both")
        adjoint = np.conj(k) if plan.kind == "weyl" or plan.causal else k
        del k
    else:
        adjoint = symbol(plan, "adjoint")
    blocks = _row_blocks(plan, g.dtype.itemsize)
    if blocks is None:
        return _vjp_block(plan, g, x, adjoint, dk, need_x, direct)
    gx = np.empty(plan.shape, plan.dtype) if need_x else None
    parts = []
    for sl in blocks:
        block = _block_plan(plan, sl)
        gx_block, galpha = _vjp_block(block, g[sl], None if x is None else x[sl],
                                      _rows_of(adjoint, sl), None if dk is None else
                                      _rows_of(dk, sl), need_x)
        if need_x:
            gx[sl] = gx_block
        parts.append(galpha)
    if not need_alpha:
        return gx, None
    if isinstance(plan.alpha, float) or plan.alpha.shape[0] == 1:
        return gx, sum(parts[1:], parts[0])
    return gx, np.concatenate(parts, axis=0)


def _vjp_block(plan: Plan, g, x, adjoint, dk, need_x, direct=None):
    """:func:`vjp` on one block; ``dk`` None means no alpha-gradient.

    ``direct``: the transform route of :func:`_direct` (a kept small call), or None.
    """
    big_g = _forward_direct(plan, direct, g)
    galpha = None
    if dk is not None:
        spectrum_x = _forward_direct(plan, direct, project(plan, x))
        # The reduction reads G before the adjoint's multiply, in the same pass where a kernel
        # does both (the seam decides); X is released before the inverse allocates gx.
        galpha = _device.alpha_gradient(
            spectrum_x, big_g, dk, axes=plan.axes, ns=plan.ns, half=plan.method == "rfft",
            scalar=isinstance(plan.alpha, float), adjoint=adjoint if need_x else None,
            backend=plan.backend, workers=plan.workers)
        del spectrum_x
    elif need_x:
        multiply(plan, big_g, adjoint)
    gx = project_adjoint(plan, _inverse_direct(plan, direct, big_g)) if need_x else None
    return gx, galpha
