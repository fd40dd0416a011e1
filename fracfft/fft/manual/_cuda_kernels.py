"""numba.cuda kernels of the manual FFT (device code only; launchers in :mod:`._cuda`).

Each kernel walks its items with a grid-stride loop, so any grid size is correct; sizes,
directions and scales arrive as arguments, never as module globals (Numba freezes globals
at compile time). Stockham passes of radix 2, 4 and 8 for powers of two; Bluestein's
chirp-z steps (pre-multiply, filter product, post-multiply); gather / scatter kernels that
move one axis of any array into contiguous (rows, n) work arrays and back; and the small
element-wise kernels the core needs on the GPU (copy, real part, broadcast multiply). The
twiddles and chirps they read come from :mod:`._plans`, like the CPU kernels'.
"""

from numba import cuda

__all__ = [
    "chirp_postmul_kernel",
    "chirp_premul_kernel",
    "copy_kernel",
    "gather_kernel",
    "hermitian_gather_kernel",
    "multiply_kernel",
    "radix2_kernel",
    "radix4_kernel",
    "radix8_kernel",
    "real_part_kernel",
    "real_scatter_kernel",
    "row_multiply_kernel",
    "scatter_kernel",
]


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

