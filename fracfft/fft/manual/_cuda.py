"""numba.cuda FFT kernels and launchers for device arrays.

The GPU twin of the manual CPU FFT: a device array in, a new device array out,
with no host round trip of the data. Only small plan arrays (twiddles, chirp
filters) are computed on the host in float64 and copied once to the device,
cached per (length, dtype).

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

Every launcher takes ``threads_per_block`` and passes it down to every launch:
no kernel reads module state (Numba freezes globals at compile time). Under
``NUMBA_ENABLE_CUDASIM=1`` the same code runs, slowly, on the CPU.
"""

import functools
import math
import warnings

import numpy as np
from numba import cuda

__all__ = [
    "DEFAULT_THREADS_PER_BLOCK",
    "as_device_array",
    "c2c",
    "c2r",
    "is_device_array",
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

_NORMS = ("backward", "ortho", "forward")


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
# Kernels. Each walks its items with a grid-stride loop; sizes, directions and
# scales arrive as arguments, never as module globals.
# --------------------------------------------------------------------------
@cuda.jit
def gather_kernel(src, dst, n_src, post):
    """dst[r, j] = src viewed as (pre, n_src, post) at [r // post, j, r % post]; 0 past n_src."""
    rows, n = dst.shape
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, rows * n, step):
        r = idx // n
        j = idx - r * n
        if j < n_src:
            p = r // post
            q = r - p * post
            dst[r, j] = src.flat[(p * n_src + j) * post + q]
        else:
            dst[r, j] = 0


@cuda.jit
def hermitian_gather_kernel(src, dst, m_src, post):
    """Rebuild a full Hermitian spectrum dst (rows, n) from a half spectrum of length m_src."""
    rows, n = dst.shape
    half = n // 2
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, rows * n, step):
        r = idx // n
        j = idx - r * n
        k = j if j <= half else n - j
        if k < m_src:
            p = r // post
            q = r - p * post
            v = src.flat[(p * m_src + k) * post + q]
            if j > half:
                v = v.conjugate()
            dst[r, j] = v
        else:
            dst[r, j] = 0


@cuda.jit
def scatter_kernel(src, dst):
    """dst[p, j, q] = src[p * post + q, j] for dst (pre, m, post), src (pre * post, >= m)."""
    pre, m, post = dst.shape
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, pre * m * post, step):
        p = idx // (m * post)
        rem = idx - p * (m * post)
        j = rem // post
        q = rem - j * post
        dst[p, j, q] = src[p * post + q, j]


@cuda.jit
def real_scatter_kernel(src, dst):
    """Real part of scatter_kernel: dst[p, j, q] = src[p * post + q, j].real."""
    pre, m, post = dst.shape
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, pre * m * post, step):
        p = idx // (m * post)
        rem = idx - p * (m * post)
        j = rem // post
        q = rem - j * post
        dst[p, j, q] = src[p * post + q, j].real


@cuda.jit
def radix2_kernel(src, dst, tw, stride, forward, scale):
    """One radix-2 Stockham stage on the rows of src (rows, n) into dst.

    tw[k] = exp(-2j*pi*k/n); the current sub-length is n / stride.
    """
    rows, n = src.shape
    half = n // 2
    m = half // stride
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, rows * half, step):
        r = idx // half
        t = idx - r * half
        p = t // stride
        q = t - p * stride
        w = tw[p * stride]
        if not forward:
            w = w.conjugate()
        a = src[r, q + stride * p]
        b = src[r, q + stride * (p + m)]
        dst[r, q + stride * 2 * p] = (a + b) * scale
        dst[r, q + stride * (2 * p + 1)] = (a - b) * w * scale


@cuda.jit
def radix4_kernel(src, dst, tw, stride, forward, ij, scale):
    """One radix-4 Stockham stage on the rows of src (rows, n) into dst.

    ij is +1j (forward) or -1j (inverse) in the work dtype, so single precision
    never meets a double-precision literal.
    """
    rows, n = src.shape
    quarter = n // 4
    m = quarter // stride
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, rows * quarter, step):
        r = idx // quarter
        t = idx - r * quarter
        p = t // stride
        q = t - p * stride
        ps = p * stride
        w1 = tw[ps]
        w2 = tw[2 * ps]
        w3 = tw[3 * ps]
        if not forward:
            w1 = w1.conjugate()
            w2 = w2.conjugate()
            w3 = w3.conjugate()
        a = src[r, q + stride * p]
        b = src[r, q + stride * (p + m)]
        c = src[r, q + stride * (p + 2 * m)]
        d = src[r, q + stride * (p + 3 * m)]
        apc = a + c
        amc = a - c
        bpd = b + d
        jbmd = (b - d) * ij
        o = q + stride * 4 * p
        dst[r, o] = (apc + bpd) * scale
        dst[r, o + stride] = (amc - jbmd) * w1 * scale
        dst[r, o + 2 * stride] = (apc - bpd) * w2 * scale
        dst[r, o + 3 * stride] = (amc + jbmd) * w3 * scale


@cuda.jit
def radix8_kernel(src, dst, tw, stride, forward, ij, w8, scale):
    """One radix-8 Stockham stage (fewer passes over memory than radix 4).

    The 8-point DFT is two 4-point DFTs (even and odd inputs) joined with the
    eighth roots of unity; ij is +-1j and w8 = exp(-+2j*pi/8) in the work dtype.
    """
    rows, n = src.shape
    eighth = n // 8
    m = eighth // stride
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, rows * eighth, step):
        r = idx // eighth
        t = idx - r * eighth
        p = t // stride
        q = t - p * stride
        i0 = q + stride * p
        sm = stride * m
        x0 = src[r, i0]
        x1 = src[r, i0 + sm]
        x2 = src[r, i0 + 2 * sm]
        x3 = src[r, i0 + 3 * sm]
        x4 = src[r, i0 + 4 * sm]
        x5 = src[r, i0 + 5 * sm]
        x6 = src[r, i0 + 6 * sm]
        x7 = src[r, i0 + 7 * sm]
        # 4-point DFT of the even inputs
        apc = x0 + x4
        amc = x0 - x4
        bpd = x2 + x6
        jbmd = (x2 - x6) * ij
        e0 = apc + bpd
        e1 = amc - jbmd
        e2 = apc - bpd
        e3 = amc + jbmd
        # 4-point DFT of the odd inputs, then the W8^k factors
        apc = x1 + x5
        amc = x1 - x5
        bpd = x3 + x7
        jbmd = (x3 - x7) * ij
        o0 = apc + bpd
        o1 = (amc - jbmd) * w8
        o2 = (apc - bpd) * -ij
        o3 = (amc + jbmd) * w8 * -ij
        ps = p * stride
        o = q + stride * 8 * p
        if forward:
            dst[r, o] = (e0 + o0) * scale
            dst[r, o + stride] = (e1 + o1) * tw[ps] * scale
            dst[r, o + 2 * stride] = (e2 + o2) * tw[2 * ps] * scale
            dst[r, o + 3 * stride] = (e3 + o3) * tw[3 * ps] * scale
            dst[r, o + 4 * stride] = (e0 - o0) * tw[4 * ps] * scale
            dst[r, o + 5 * stride] = (e1 - o1) * tw[5 * ps] * scale
            dst[r, o + 6 * stride] = (e2 - o2) * tw[6 * ps] * scale
            dst[r, o + 7 * stride] = (e3 - o3) * tw[7 * ps] * scale
        else:
            dst[r, o] = (e0 + o0) * scale
            dst[r, o + stride] = (e1 + o1) * tw[ps].conjugate() * scale
            dst[r, o + 2 * stride] = (e2 + o2) * tw[2 * ps].conjugate() * scale
            dst[r, o + 3 * stride] = (e3 + o3) * tw[3 * ps].conjugate() * scale
            dst[r, o + 4 * stride] = (e0 - o0) * tw[4 * ps].conjugate() * scale
            dst[r, o + 5 * stride] = (e1 - o1) * tw[5 * ps].conjugate() * scale
            dst[r, o + 6 * stride] = (e2 - o2) * tw[6 * ps].conjugate() * scale
            dst[r, o + 7 * stride] = (e3 - o3) * tw[7 * ps].conjugate() * scale


@cuda.jit
def chirp_premul_kernel(src, dst, chirp):
    """dst[r, k] = src[r, k] * chirp[k] for k < n, zero up to M (Bluestein input)."""
    rows, big = dst.shape
    n = src.shape[1]
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, rows * big, step):
        r = idx // big
        k = idx - r * big
        if k < n:
            dst[r, k] = src[r, k] * chirp[k]
        else:
            dst[r, k] = 0


@cuda.jit
def row_multiply_kernel(data, filt):
    """data[r, k] *= filt[k] (Bluestein convolution in the frequency domain)."""
    rows, big = data.shape
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, rows * big, step):
        r = idx // big
        k = idx - r * big
        data[r, k] = data[r, k] * filt[k]


@cuda.jit
def chirp_postmul_kernel(src, dst, chirp, scale):
    """dst[r, k] = src[r, k] * chirp[k] * scale for dst (rows, n), src (rows, M)."""
    rows, n = dst.shape
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for idx in range(start, rows * n, step):
        r = idx // n
        k = idx - r * n
        dst[r, k] = src[r, k] * chirp[k] * scale


@cuda.jit
def copy_kernel(src, dst):
    """dst.flat[i] = src.flat[i] (any layout in, cast to dst's dtype)."""
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for i in range(start, dst.size, step):
        dst.flat[i] = src.flat[i]


@cuda.jit
def real_part_kernel(src, dst):
    """dst.flat[i] = src.flat[i].real."""
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for i in range(start, dst.size, step):
        dst.flat[i] = src.flat[i].real


@cuda.jit
def multiply_kernel(spec, sym, shape, sym_strides):
    """spec.flat[i] *= sym at the broadcast index of i.

    shape is spec's shape; sym_strides holds sym's C-order element strides with
    0 on broadcast (length-1) dimensions, both as int64 device arrays.
    """
    ndim = shape.shape[0]
    start = cuda.grid(1)
    step = cuda.gridsize(1)
    for i in range(start, spec.size, step):
        rem = i
        s = 0
        for k in range(ndim - 1, -1, -1):
            c = rem % shape[k]
            rem = rem // shape[k]
            s += c * sym_strides[k]
        spec.flat[i] = spec.flat[i] * sym.flat[s]


# --------------------------------------------------------------------------
# Plans: float64 on the host, cast to the work dtype, copied to the device once.
# --------------------------------------------------------------------------
def _device_id():
    # Plan arrays live on one GPU: key the caches by the current device too.
    get = getattr(cuda, "get_current_device", None)
    return getattr(get(), "id", 0) if get is not None else 0


@functools.lru_cache(maxsize=64)
def _twiddles(n, dtype, device_id):
    """tw[k] = exp(-2j*pi*k/n), k < n, on the device."""
    k = np.arange(n)
    tw = np.exp(-2j * np.pi * k / n)
    return cuda.to_device(tw.astype(dtype))


@functools.lru_cache(maxsize=64)
def _bluestein_plan(n, dtype, forward, device_id):
    """Chirp (n,) and the FFT of its conjugate filter, pre-divided by M, on the device."""
    big = 1 << (2 * n - 2).bit_length()  # smallest power of two >= 2n - 1
    k = np.arange(n, dtype=np.int64)
    # k*k mod 2n keeps the angle small, so the chirp stays exact to float64 rounding.
    chirp = np.exp((-1j if forward else 1j) * np.pi * ((k * k) % (2 * n)) / n)
    filt = np.zeros(big, dtype=np.complex128)
    filt[:n] = chirp.conj()
    filt[big - n + 1 :] = chirp[1:][::-1].conj()
    filt = np.fft.fft(filt) / big  # the 1/M of the inverse FFT, folded in here
    return cuda.to_device(chirp.astype(dtype)), cuda.to_device(filt.astype(dtype))


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
    w8 = cdtype.type(np.exp((-2j if forward else 2j) * np.pi / 8))
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


# --------------------------------------------------------------------------
# Argument handling shared by the launchers
# --------------------------------------------------------------------------
def _norm_scale(norm, n, forward):
    if norm is None:
        norm = "backward"
    if norm not in _NORMS:
        raise ValueError(f"invalid norm {norm!r}; choose from {_NORMS}")
    if norm == "ortho":
        return 1.0 / math.sqrt(n)
    if (norm == "backward") != forward:
        return 1.0 / n
    return 1.0


def _axes_and_shape(shape, s, axes, *, c2r=False):
    """Normalise (s, axes) as scipy.fft.fftn/irfftn do; returns two lists."""
    ndim = len(shape)
    if ndim == 0:
        raise np.exceptions.AxisError("cannot transform a 0-d array")
    if axes is None:
        if s is None:
            axes = list(range(ndim))
        else:
            s_len = 1 if np.ndim(s) == 0 else len(s)
            axes = list(range(ndim - s_len, ndim))
    elif np.ndim(axes) == 0:
        axes = [axes]
    out_axes = []
    for ax in axes:
        ax = int(ax)
        if not -ndim <= ax < ndim:
            raise np.exceptions.AxisError(ax, ndim)
        out_axes.append(ax % ndim)
    if len(set(out_axes)) != len(out_axes):
        raise ValueError("all axes must be unique")
    if s is None:
        s = [-1] * len(out_axes)
    elif np.ndim(s) == 0:
        s = [s]
    s = [int(v) for v in s]
    if len(s) != len(out_axes):
        raise ValueError("when given, axes and shape arguments have to be of the same length")
    lengths = []
    for i, (ax, v) in enumerate(zip(out_axes, s, strict=True)):
        if v == -1:
            v = shape[ax]
            if c2r and i == len(out_axes) - 1:
                v = 2 * (shape[ax] - 1)
        if v < 1:
            raise ValueError(f"invalid number of data points ({v}) specified")
        lengths.append(v)
    return out_axes, lengths


def _axis_transform(cur, ax, n_out, forward, norm, tpb, cdtype, keep=None):
    """c2c along one axis of a device array; returns a new C-contiguous array.

    keep: how many leading output bins to keep (r2c's half spectrum); None = all.
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
    res = _fft_rows(work, forward, _norm_scale(norm, n_out, forward), tpb, writable)
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
# Public launchers
# --------------------------------------------------------------------------
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
    d_a = as_device_array(d_a)
    cdtype = _complex_dtype(d_a.dtype)
    axes, lengths = _axes_and_shape(tuple(d_a.shape), s, axes)
    if not axes:
        return _fresh_copy(d_a, cdtype, tpb)
    cur = d_a
    for ax, n in zip(reversed(axes), reversed(lengths), strict=True):
        cur = _axis_transform(cur, ax, n, bool(forward), norm, tpb, cdtype)
    return cur


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
    d_a = as_device_array(d_a)
    cdtype = _complex_dtype(d_a.dtype, real_only=True)
    axes, lengths = _axes_and_shape(tuple(d_a.shape), s, axes)
    if not axes:
        return _fresh_copy(d_a, cdtype, tpb)
    n = lengths[-1]
    cur = _axis_transform(d_a, axes[-1], n, True, norm, tpb, cdtype, keep=n // 2 + 1)
    for ax, m in zip(reversed(axes[:-1]), reversed(lengths[:-1]), strict=True):
        cur = _axis_transform(cur, ax, m, True, norm, tpb, cdtype)
    return cur


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
    d_a = as_device_array(d_a)
    cdtype = _complex_dtype(d_a.dtype)
    rdtype = _real_dtype(cdtype)
    axes, lengths = _axes_and_shape(tuple(d_a.shape), s, axes, c2r=True)
    if not axes:
        return _fresh_copy(d_a, rdtype, tpb)  # nothing to invert: the real part
    cur = d_a
    for ax, m in zip(reversed(axes[:-1]), reversed(lengths[:-1]), strict=True):
        cur = _axis_transform(cur, ax, m, False, norm, tpb, cdtype)
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
    res = _fft_rows(work, False, _norm_scale(norm, n, False), tpb)
    _launch(real_scatter_kernel, out.size, tpb, res, out)
    return out.reshape(out_shape)


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
