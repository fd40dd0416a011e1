"""numba.cuda launchers of the manual FFT for device arrays (kernels: :mod:`._cuda_kernels`).

The GPU twin of the manual CPU FFT: a device array in, a new device array out,
with no host round trip of the data. Only small plan arrays (twiddles, chirp
filters) are computed on the host, by the same plan builder as the CPU kernels'
(:mod:`._plans`: complex128 with exact integer angle reduction), cast to the work
dtype and copied once to the device, cached per (length, dtype, device).

Algorithms
----------
* Powers of two: Stockham autosort FFT, radix-8 stages and one final radix-4
  or radix-2 stage when 3 does not divide log2(n). One kernel launch per
  stage, ping-ponging between two (rows, n) buffers; each thread walks the
  rows x butterflies with a grid-stride loop.
* Every other length: Bluestein's chirp-z, i.e. a cyclic convolution computed
  with power-of-two FFTs of length M >= 2n - 1.
* Any axis: a gather kernel copies the axis into a contiguous (rows, n) work
  array (casting, zero-padding or cropping on the way); a scatter kernel writes
  the result back unless the axis is already the last one.
* Real transforms go through the complex transform (r2c keeps the half
  spectrum; c2r rebuilds the Hermitian full spectrum and keeps the real part).

Two layers: :func:`launch_c2c`, :func:`launch_r2c` and :func:`launch_c2r` take
normalised arguments ``(axes, lengths, forward, norm, threads_per_block)`` (what the
"manual" backend passes); :func:`c2c`, :func:`r2c` and :func:`c2r` take
``scipy.fft``-style ``s`` / ``axes`` / ``norm``, resolve them with
:func:`fracfft._validate.normalize_fft` and call the launchers. Every launch gets
``threads_per_block``. Under ``NUMBA_ENABLE_CUDASIM=1`` the same code runs, slowly,
on the CPU.
"""

import functools
import math
import warnings

import numpy as np
from numba import cuda

from ..._validate import normalize_fft
from . import _plans
from ._cuda_kernels import (
    chirp_postmul_kernel,
    chirp_premul_kernel,
    copy_kernel,
    gather_kernel,
    hermitian_gather_kernel,
    multiply_kernel,
    radix2_kernel,
    radix4_kernel,
    radix8_kernel,
    real_part_kernel,
    real_scatter_kernel,
    row_multiply_kernel,
    scatter_kernel,
)

__all__ = [
    "DEFAULT_THREADS_PER_BLOCK",
    "as_device_array",
    "c2c",
    "c2r",
    "is_device_array",
    "launch_c2c",
    "launch_c2r",
    "launch_r2c",
    "multiply_inplace",
    "r2c",
    "real_part",
    "to_device",
]

#: Threads per block used when a launcher gets ``threads_per_block=None``.
DEFAULT_THREADS_PER_BLOCK = 128

# Grid-stride loops make any grid size correct; cap it so huge batches do not
# exceed the grid limit and each thread does a few items.
_MAX_BLOCKS = 65535


# --------------------------------------------------------------------------
# Device-array helpers
# --------------------------------------------------------------------------
def is_device_array(a):
    """Tell whether `a` is a GPU array.

    Parameters
    ----------
    a : object
        Anything.

    Returns
    -------
    bool
        True for a numba.cuda device array (also the simulator's) or any object
        exposing ``__cuda_array_interface__`` (CuPy arrays, CUDA torch tensors);
        False for NumPy arrays and everything else.
    """
    if isinstance(a, np.ndarray):
        return False
    # The simulator's fake device arrays carry __cuda_ndarray__, not the interface.
    return hasattr(a, "__cuda_array_interface__") or getattr(a, "__cuda_ndarray__", False) is True


def as_device_array(a):
    """View a GPU array as a numba.cuda device array, without copying.

    Parameters
    ----------
    a : object
        A numba.cuda device array or an object with ``__cuda_array_interface__``.

    Returns
    -------
    numba.cuda device array
        `a` itself, or a zero-copy view of it.

    Raises
    ------
    TypeError
        If `a` is not a GPU array.
    """
    if getattr(a, "__cuda_ndarray__", False) is True:
        return a
    if is_device_array(a):
        return cuda.as_cuda_array(a)
    raise TypeError(f"expected a CUDA device array; got {type(a).__module__}.{type(a).__name__}")


def to_device(a):
    """Return `a` on the GPU as a numba.cuda device array.

    Parameters
    ----------
    a : array_like or device array
        Host data (copied to the device) or a GPU array (viewed, not copied).

    Returns
    -------
    numba.cuda device array
    """
    if is_device_array(a):
        return as_device_array(a)
    return cuda.to_device(np.ascontiguousarray(a))


def _tpb(threads_per_block):
    if threads_per_block is None:
        return DEFAULT_THREADS_PER_BLOCK
    tpb = int(threads_per_block)
    if tpb != threads_per_block or not 1 <= tpb <= 1024:
        raise ValueError(
            f"threads_per_block must be an integer in [1, 1024]; got {threads_per_block!r}"
        )
    return tpb


def _launch(kernel, total, tpb, *args):
    """Launch `kernel` over `total` grid-stride items; nothing when there are none."""
    if total <= 0:
        return
    blocks = min((total + tpb - 1) // tpb, _MAX_BLOCKS)
    with warnings.catch_warnings():
        # Small transforms legitimately use small grids; numba would warn on each.
        warnings.filterwarnings("ignore", message=r"Grid size \d+ will likely result in GPU")
        configured = kernel[blocks, tpb]
    configured(*args)



# --------------------------------------------------------------------------
# Plans: complex128 from the CPU plan builder, cast to the work dtype, copied to
# the device once.
# --------------------------------------------------------------------------
def _device_id():
    # Plan arrays live on one GPU: key the caches by the current device too.
    get = getattr(cuda, "get_current_device", None)
    return getattr(get(), "id", 0) if get is not None else 0


@functools.lru_cache(maxsize=64)
def _twiddles(n, dtype, device_id):
    """tw[k] = exp(-2j*pi*k/n), k < n, on the device."""
    return cuda.to_device(_plans.roots(np.arange(n), n).astype(dtype))


@functools.lru_cache(maxsize=64)
def _bluestein_plan(n, dtype, forward, device_id):
    """Chirp (n,) and the FFT of its conjugate filter, pre-divided by M, on the device."""
    big = 1 << (2 * n - 2).bit_length()  # smallest power of two >= 2n - 1
    chirp = _plans.chirp(n)
    if not forward:
        chirp = chirp.conj()
    filt = _plans.chirp_filter(chirp, big)  # the 1/M of the inverse FFT, folded in
    return cuda.to_device(chirp.astype(dtype)), cuda.to_device(filt.astype(dtype))


@functools.lru_cache(maxsize=4)
def _w8(forward):
    """exp(-+2j*pi/8), the radix-8 stage's constant."""
    w = _plans.roots(np.array([1]), 8)[0]
    return w if forward else w.conjugate()


def _real_dtype(cdtype):
    return np.dtype(np.float32) if cdtype == np.complex64 else np.dtype(np.float64)


def _complex_dtype(dtype, *, real_only=False):
    dtype = np.dtype(dtype)
    if real_only and dtype.kind == "c":
        raise TypeError(f"r2c takes real input; got dtype {dtype}")
    if dtype in (np.float32, np.complex64):
        return np.dtype(np.complex64)
    if dtype.kind in "biu" or dtype in (np.float64, np.complex128):
        return np.dtype(np.complex128)
    raise TypeError(
        f"unsupported dtype {dtype} for the numba.cuda FFT "
        "(use float32/float64/complex64/complex128 or integers)"
    )


# --------------------------------------------------------------------------
# 1-D transforms of the rows of a contiguous (rows, n) work array
# --------------------------------------------------------------------------
def _fft_pow2(work, forward, scale, tpb, writable=True):
    """Stockham FFT of each row of work (rows, n), n a power of two.

    `work` is overwritten when `writable` (it serves as a ping-pong buffer);
    otherwise it is only read. Returns the buffer holding the result, which is
    never `work` when `work` is read-only.
    """
    rows, n = work.shape
    if n == 1:
        # Every norm scales a length-1 transform by 1.
        return work if writable else _fresh_copy(work, work.dtype, tpb)
    cdtype = work.dtype
    rdtype = _real_dtype(cdtype).type
    tw = _twiddles(n, cdtype, _device_id())
    ij = cdtype.type(1j if forward else -1j)
    w8 = cdtype.type(_w8(bool(forward)))
    src, dst = work, cuda.device_array_like(work)
    stride = 1
    while True:
        # Radix 8 while it divides what is left, then one radix-4 or radix-2 stage.
        left = n // stride
        radix = 8 if left >= 8 else left
        last = stride * radix == n
        sc = rdtype(scale if last else 1.0)
        if radix == 8:
            _launch(radix8_kernel, rows * (n // 8), tpb, src, dst, tw, stride, forward, ij, w8, sc)
        elif radix == 4:
            _launch(radix4_kernel, rows * (n // 4), tpb, src, dst, tw, stride, forward, ij, sc)
        else:
            _launch(radix2_kernel, rows * (n // 2), tpb, src, dst, tw, stride, forward, sc)
        if last:
            return dst
        # Ping-pong; a read-only `work` is replaced by a second buffer of our own.
        nxt = src if writable or src is not work else cuda.device_array_like(work)
        src, dst = dst, nxt
        stride *= radix


def _fft_rows(work, forward, scale, tpb, writable=True):
    """Scaled FFT of each row of work (rows, n); returns a (rows, n) buffer.

    With ``writable=False`` `work` (e.g. the caller's input) is only read.
    """
    rows, n = work.shape
    if n & (n - 1) == 0:
        return _fft_pow2(work, forward, scale, tpb, writable)
    # Bluestein: X = chirp * IFFT(FFT(chirp * x, M) * FFT(conj chirp filter, M)).
    chirp, filt = _bluestein_plan(n, work.dtype, bool(forward), _device_id())
    big = filt.shape[0]
    buf = cuda.device_array((rows, big), dtype=work.dtype)
    _launch(chirp_premul_kernel, rows * big, tpb, work, buf, chirp)
    spec = _fft_pow2(buf, True, 1.0, tpb)
    _launch(row_multiply_kernel, rows * big, tpb, spec, filt)
    conv = _fft_pow2(spec, False, 1.0, tpb)
    out = work if writable else cuda.device_array_like(work)
    sc = _real_dtype(work.dtype).type(scale)
    _launch(chirp_postmul_kernel, rows * n, tpb, conv, out, chirp, sc)
    return out



def _axis_transform(cur, ax, n_out, forward, scale, tpb, cdtype, keep=None):
    """c2c along one axis of a device array; returns a new C-contiguous array.

    keep: how many leading output bins to keep (r2c's half spectrum); None = all.
    scale: factor applied to every output value.
    """
    shape = tuple(cur.shape)
    pre = math.prod(shape[:ax])
    post = math.prod(shape[ax + 1 :])
    rows = pre * post
    m = n_out if keep is None else keep
    out_shape = shape[:ax] + (m,) + shape[ax + 1 :]
    if rows == 0:
        return cuda.device_array(out_shape, dtype=cdtype)
    if post == 1 and n_out == shape[ax] and cur.dtype == cdtype and cur.is_c_contiguous():
        # The rows are already contiguous: read them in place, skipping a full copy.
        work, writable = cur.reshape((rows, n_out)), False
    else:
        work, writable = cuda.device_array((rows, n_out), dtype=cdtype), True
        _launch(gather_kernel, rows * n_out, tpb, cur, work, shape[ax], post)
    res = _fft_rows(work, forward, scale, tpb, writable)
    if post == 1 and m == n_out:
        return res.reshape(out_shape)  # already in place: rows are the leading dims
    out = cuda.device_array((pre, m, post), dtype=cdtype)
    _launch(scatter_kernel, out.size, tpb, res, out)
    return out.reshape(out_shape)


def _fresh_copy(d_a, dtype, tpb):
    out = cuda.device_array(tuple(d_a.shape), dtype=dtype)
    _launch(copy_kernel, out.size, tpb, d_a, out)
    return out



# --------------------------------------------------------------------------
# Launchers: normalised arguments
# --------------------------------------------------------------------------
def _dtypes(d_a, op):
    """(device view, complex work dtype) of ``d_a`` for transform ``op``."""
    d_a = as_device_array(d_a)
    return d_a, _complex_dtype(d_a.dtype, real_only=op == "r2c")


def launch_c2c(d_a, axes, lengths, forward, norm, threads_per_block):
    """N-D complex FFT of a device array, normalised arguments.

    Parameters
    ----------
    d_a : device array
        numba.cuda device array (or a ``__cuda_array_interface__`` object); real input is
        promoted (float32 -> complex64, otherwise complex128).
    axes : tuple of int
        Distinct non-negative axes (may be empty: a converted copy).
    lengths : tuple of int
        Output length (at least 1) along each axis: crop or zero-pad.
    forward : bool
        Direction.
    norm : {"backward", "ortho", "forward"}
        Normalisation.
    threads_per_block : int or None
        CUDA block size for every launch (None: :data:`DEFAULT_THREADS_PER_BLOCK`).

    Returns
    -------
    numba.cuda device array
        A new C-contiguous complex64/complex128 array; ``d_a`` is not modified.
    """
    tpb = _tpb(threads_per_block)
    d_a, cdtype = _dtypes(d_a, "c2c")
    if not axes:
        return _fresh_copy(d_a, cdtype, tpb)
    sc = _plans.scale(norm, math.prod(lengths), forward)
    cur = d_a
    for i, (ax, n) in enumerate(zip(reversed(axes), reversed(lengths))):
        cur = _axis_transform(cur, ax, n, bool(forward), sc if i == 0 else 1.0, tpb, cdtype)
    return cur


def launch_r2c(d_a, axes, lengths, forward, norm, threads_per_block):
    """N-D real-to-complex FFT of a device array (``rfftn``), normalised arguments.

    Parameters are those of :func:`launch_c2c` (``forward`` must be True; ``axes`` not
    empty); the last axis keeps ``lengths[-1] // 2 + 1`` bins. Complex input is a
    TypeError, as in ``numpy.fft.rfftn``.
    """
    tpb = _tpb(threads_per_block)
    d_a, cdtype = _dtypes(d_a, "r2c")
    n = lengths[-1]
    sc = _plans.scale(norm, math.prod(lengths), True)
    cur = _axis_transform(d_a, axes[-1], n, True, sc, tpb, cdtype, keep=n // 2 + 1)
    for ax, m in zip(reversed(axes[:-1]), reversed(lengths[:-1])):
        cur = _axis_transform(cur, ax, m, True, 1.0, tpb, cdtype)
    return cur


def launch_c2r(d_a, axes, lengths, forward, norm, threads_per_block):
    """N-D complex-to-real inverse FFT of a device array (``irfftn``), normalised arguments.

    Parameters are those of :func:`launch_c2c` (``forward`` must be False; ``axes`` not
    empty); ``lengths[-1]`` is the real output length of the last axis. As in pocketfft,
    the imaginary parts of the zero and Nyquist bins are ignored. Returns a new float32
    (complex64 input) or float64 array.
    """
    tpb = _tpb(threads_per_block)
    d_a, cdtype = _dtypes(d_a, "c2r")
    rdtype = _real_dtype(cdtype)
    sc = _plans.scale(norm, math.prod(lengths), False)
    cur = d_a
    for ax, m in zip(reversed(axes[:-1]), reversed(lengths[:-1])):
        cur = _axis_transform(cur, ax, m, False, 1.0, tpb, cdtype)
    ax, n = axes[-1], lengths[-1]
    shape = tuple(cur.shape)
    pre = math.prod(shape[:ax])
    post = math.prod(shape[ax + 1 :])
    rows = pre * post
    out = cuda.device_array((pre, n, post), dtype=rdtype)
    out_shape = shape[:ax] + (n,) + shape[ax + 1 :]
    if rows == 0:
        return out.reshape(out_shape)
    work = cuda.device_array((rows, n), dtype=cdtype)
    _launch(hermitian_gather_kernel, rows * n, tpb, cur, work, shape[ax], post)
    res = _fft_rows(work, False, sc, tpb)
    _launch(real_scatter_kernel, out.size, tpb, res, out)
    return out.reshape(out_shape)


# --------------------------------------------------------------------------
# scipy.fft-style entry points
# --------------------------------------------------------------------------
def _resolve(d_a, s, axes, norm, *, real, c2r=False):
    """Device view and ``normalize_fft``'s (lengths, axes, norm) for scipy-style arguments."""
    d_a = as_device_array(d_a)
    if d_a.ndim == 0:
        raise np.exceptions.AxisError("cannot transform a 0-d array")
    if isinstance(axes, (int, np.integer)) and s is not None and np.ndim(s) == 0:
        s = (s,)
    lengths, axes, norm, _ = normalize_fft(tuple(d_a.shape), s, axes, norm, None, c2r=c2r,
                                           real=real, api="scipy")
    return d_a, lengths, axes, norm


def c2c(d_a, s, axes, forward, norm, threads_per_block=None):
    """N-D complex FFT of a device array, like `scipy.fft.fftn` / `scipy.fft.ifftn`.

    Parameters
    ----------
    d_a : device array
        numba.cuda device array or any ``__cuda_array_interface__`` object.
        Real input is promoted (float32 -> complex64, otherwise complex128).
    s : sequence of int or None
        Transform lengths along `axes` (crop or zero-pad); -1 keeps the length.
    axes : sequence of int, int or None
        Axes to transform; None means all (or the last ``len(s)``).
    forward : bool
        True for the forward transform, False for the inverse.
    norm : {"backward", "ortho", "forward"} or None
        Normalisation mode, as in `scipy.fft`.
    threads_per_block : int, optional
        CUDA block size for every launch (default `DEFAULT_THREADS_PER_BLOCK`).

    Returns
    -------
    numba.cuda device array
        A new C-contiguous complex64/complex128 array; `d_a` is not modified.
    """
    tpb = _tpb(threads_per_block)
    d_a, lengths, axes, norm = _resolve(d_a, s, axes, norm, real=False)
    return launch_c2c(d_a, axes, lengths, forward, norm, tpb)


def r2c(d_a, s, axes, norm, threads_per_block=None):
    """N-D real-to-complex FFT of a device array, like `scipy.fft.rfftn`.

    Parameters
    ----------
    d_a : device array
        Real (float32/float64, or integer) numba.cuda or CUDA-interface array.
    s : sequence of int or None
        Transform lengths along `axes`; the last one is the real length.
    axes : sequence of int, int or None
        Axes to transform; the last one is halved to ``s[-1] // 2 + 1``.
    norm : {"backward", "ortho", "forward"} or None
        Normalisation mode, as in `scipy.fft`.
    threads_per_block : int, optional
        CUDA block size for every launch.

    Returns
    -------
    numba.cuda device array
        New complex64 (float32 input) or complex128 array.

    Raises
    ------
    TypeError
        For complex input, as `numpy.fft.rfftn`.
    """
    tpb = _tpb(threads_per_block)
    d_a, _ = _dtypes(d_a, "r2c")
    d_a, lengths, axes, norm = _resolve(d_a, s, axes, norm, real=True)
    return launch_r2c(d_a, axes, lengths, True, norm, tpb)


def c2r(d_a, s, axes, norm, threads_per_block=None):
    """N-D complex-to-real inverse FFT of a device array, like `scipy.fft.irfftn`.

    Parameters
    ----------
    d_a : device array
        Half spectrum (complex64/complex128; real input is promoted).
    s : sequence of int or None
        Output lengths along `axes`; None gives ``2 * (m - 1)`` on the last
        axis, where m is its input length.
    axes : sequence of int, int or None
        Axes to transform; the last one is the Hermitian (real) axis.
    norm : {"backward", "ortho", "forward"} or None
        Normalisation mode, as in `scipy.fft`.
    threads_per_block : int, optional
        CUDA block size for every launch.

    Returns
    -------
    numba.cuda device array
        New float32 (complex64 input) or float64 array. As in pocketfft, the
        imaginary parts of the zero and Nyquist bins are ignored.
    """
    tpb = _tpb(threads_per_block)
    d_a, _ = _dtypes(d_a, "c2r")
    d_a, lengths, axes, norm = _resolve(d_a, s, axes, norm, real=True, c2r=True)
    return launch_c2r(d_a, axes, lengths, False, norm, tpb)


def multiply_inplace(d_spec, d_sym, threads_per_block=None):
    """Multiply a device array in place by a broadcast symbol: ``d_spec *= d_sym``.

    Parameters
    ----------
    d_spec : device array
        Complex spectrum, modified in place.
    d_sym : device array
        Same ndim as `d_spec`, each dimension 1 or equal to `d_spec`'s (NumPy
        broadcasting); real or complex.
    threads_per_block : int, optional
        CUDA block size.

    Returns
    -------
    device array
        `d_spec`.

    Raises
    ------
    ValueError
        If the shapes do not broadcast that way.
    """
    tpb = _tpb(threads_per_block)
    spec = as_device_array(d_spec)
    sym = as_device_array(d_sym)
    shape = tuple(spec.shape)
    sym_shape = tuple(sym.shape)
    if len(sym_shape) != len(shape) or any(
        b not in (1, a) for a, b in zip(shape, sym_shape, strict=True)
    ):
        raise ValueError(f"symbol of shape {sym_shape} does not broadcast to {shape}")
    if np.dtype(spec.dtype).kind != "c":
        raise TypeError(f"multiply_inplace needs a complex spectrum; got {spec.dtype}")
    if spec.size == 0:
        return d_spec
    # C-order strides (in elements) of sym's logical index, 0 where it broadcasts.
    strides = np.zeros(max(len(shape), 1), dtype=np.int64)
    acc = 1
    for k in range(len(shape) - 1, -1, -1):
        strides[k] = 0 if sym_shape[k] == 1 else acc
        acc *= sym_shape[k]
    d_shape = cuda.to_device(np.array(shape if shape else (1,), dtype=np.int64))
    _launch(multiply_kernel, spec.size, tpb, spec, sym, d_shape, cuda.to_device(strides))
    return d_spec


def real_part(d_c, threads_per_block=None):
    """Real part of a complex device array, as a new real device array.

    Parameters
    ----------
    d_c : device array
        complex64 or complex128 (real input is copied).
    threads_per_block : int, optional
        CUDA block size.

    Returns
    -------
    numba.cuda device array
        New C-contiguous float32 (complex64 input) or float64 array.
    """
    tpb = _tpb(threads_per_block)
    d_c = as_device_array(d_c)
    dtype = np.dtype(d_c.dtype)
    if dtype.kind == "c":
        rdtype = _real_dtype(dtype)
        out = cuda.device_array(tuple(d_c.shape), dtype=rdtype)
        _launch(real_part_kernel, out.size, tpb, d_c, out)
        return out
    return _fresh_copy(d_c, dtype, tpb)
