"""numba.cuda FFT kernels (fracfft.fft.manual._cuda) and the CuPy adapter.

The kernel checks below are plain functions that run on whatever numba.cuda
finds: each runs

* in a subprocess with ``NUMBA_ENABLE_CUDASIM=1`` (the simulator must be on
  before numba.cuda is first imported, and this pytest process must stay free
  of it), so plain ``pytest tests/`` exercises every kernel on a CPU;
* in this process on a real GPU, with larger sizes, when one is present.

A further test compiles every kernel to PTX, so code that only the simulator
accepts cannot slip through; it skips where NVVM/NVRTC are not installed.
"""

import ctypes.util
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from naive import crandn, fft_tol, rel_err

# numba's built-in CUDA target is deprecated; the kernels target the numba-cuda package.
pytest.importorskip("numba_cuda", reason="numba-cuda not installed (pip install fracfft[cuda])")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SIZES = (1, 2, 3, 4, 5, 8, 12, 16, 17, 31, 32, 64, 128)
BIG_SIZES = (1000, 1024, 4096, 4099, 6000)
NORMS = ("backward", "ortho", "forward")


# ---------------------------------------------------------------------------
# Helpers shared by the checks (they run in the subprocess too)
# ---------------------------------------------------------------------------
def _assert_close(got, ref, n, dtype, what=""):
    got = np.asarray(got)
    assert got.shape == ref.shape, (what, got.shape, ref.shape)
    err = rel_err(got.astype(ref.dtype), ref, if_zero=1.0)
    tol = fft_tol(n, dtype)
    assert err <= tol, f"{what}: relative error {err:.3g} > {tol:.3g}"


def _rng():
    return np.random.default_rng(12345)


def _mod():
    from fracfft.fft.manual import _cuda

    return _cuda


# ---------------------------------------------------------------------------
# Checks: device-agnostic, `big` selects real-GPU sizes
# ---------------------------------------------------------------------------
def check_c2c_sizes(big=False):
    C = _mod()
    rng = _rng()
    rows, tpb = (64, None) if big else (3, 4)
    for n in BIG_SIZES if big else SIZES:
        x = crandn(rng, (rows, n))
        d = C.to_device(x)
        for forward in (True, False):
            ref_fn = np.fft.fft if forward else np.fft.ifft
            for norm in NORMS:
                out = C.c2c(d, None, (-1,), forward, norm, tpb)
                assert C.is_device_array(out)
                assert out.dtype == np.complex128
                _assert_close(out.copy_to_host(), ref_fn(x, norm=norm), n, np.complex128,
                              f"c2c n={n} forward={forward} norm={norm}")
        np.testing.assert_array_equal(d.copy_to_host(), x)  # input untouched


def check_c2c_single(big=False):
    C = _mod()
    rng = _rng()
    tpb = None if big else 8
    for n in BIG_SIZES if big else (4, 8, 12, 17, 32):
        x = crandn(rng, (2, n), np.complex64)
        out = C.c2c(C.to_device(x), None, (-1,), True, "backward", tpb)
        assert out.dtype == np.complex64
        _assert_close(out.copy_to_host(), np.fft.fft(x.astype(np.complex128)), n, np.complex64,
                      f"complex64 n={n}")
        back = C.c2c(out, None, (-1,), False, "backward", tpb)
        assert back.dtype == np.complex64
        _assert_close(back.copy_to_host(), x.astype(np.complex128), n, np.complex64, "roundtrip")
        # Real float32 input is promoted to complex64, float64 to complex128.
        r = rng.standard_normal((2, n)).astype(np.float32)
        out = C.c2c(C.to_device(r), None, (-1,), True, "ortho", tpb)
        assert out.dtype == np.complex64
        _assert_close(out.copy_to_host(), np.fft.fft(r.astype(np.float64), norm="ortho"), n,
                      np.complex64, "float32 c2c")
        out = C.c2c(C.to_device(r.astype(np.float64)), None, (-1,), True, "ortho", tpb)
        assert out.dtype == np.complex128


def check_c2c_axes(big=False):
    C = _mod()
    rng = _rng()
    tpb = None if big else 4
    shape2 = (96, 130) if big else (6, 12)
    x = crandn(rng, shape2)
    d = C.to_device(x)
    for axes in ((0,), (-1,), (1,), (0, 1), (-1, 0), None):
        for forward in (True, False):
            ref = (np.fft.fftn if forward else np.fft.ifftn)(x, axes=axes, norm="ortho")
            out = C.c2c(d, None, axes, forward, "ortho", tpb)
            _assert_close(out.copy_to_host(), ref, x.size, np.complex128, f"axes={axes}")
    # s: crop and zero-pad, also with -1 (keep the length), and axes=None with s given.
    for s, axes in (((4,), (0,)), ((7,), (0,)), ((16, 3), (0, 1)), ((5,), None),
                    ((-1, 9), (0, 1))):
        s_np = [x.shape[a] if v == -1 else v
                for v, a in zip(s, axes if axes is not None else (1,), strict=True)]
        ref = np.fft.fftn(x, s=s_np, axes=axes if axes is not None else (1,))
        out = C.c2c(d, s, axes, True, "backward", tpb)
        _assert_close(out.copy_to_host(), ref, 64, np.complex128, f"s={s} axes={axes}")
    # 3-D, middle and outer axes, non-contiguous (sliced, reversed) device view.
    base = crandn(rng, (4, 5, 18) if not big else (8, 33, 260))
    d3 = C.to_device(base)[:, ::-1, ::2]
    x3 = base[:, ::-1, ::2]
    for axes in ((1,), (0, 2), (0, 1, 2)):
        out = C.c2c(d3, None, axes, True, "backward", tpb)
        assert tuple(out.shape) == x3.shape
        _assert_close(out.copy_to_host(), np.fft.fftn(x3, axes=axes), x3.size, np.complex128,
                      f"3-D strided axes={axes}")
    np.testing.assert_array_equal(C.to_device(base).copy_to_host(), base)


def check_real(big=False):
    C = _mod()
    rng = _rng()
    tpb = None if big else 4
    for n in BIG_SIZES if big else (1, 2, 5, 8, 12, 17):
        x = rng.standard_normal((3, n))
        d = C.to_device(x)
        for norm in NORMS:
            spec = C.r2c(d, None, (-1,), norm, tpb)
            assert spec.dtype == np.complex128 and tuple(spec.shape) == (3, n // 2 + 1)
            _assert_close(spec.copy_to_host(), np.fft.rfft(x, norm=norm), n, np.complex128,
                          f"r2c n={n} {norm}")
            back = C.c2r(spec, (n,), (-1,), norm, tpb)
            assert back.dtype == np.float64 and tuple(back.shape) == (3, n)
            _assert_close(back.copy_to_host(), x, n, np.float64, f"c2r roundtrip n={n} {norm}")
        np.testing.assert_array_equal(d.copy_to_host(), x)
    # c2r of an arbitrary (non-Hermitian) half spectrum matches numpy, default and explicit n.
    for m in (2, 5, 9):
        h = crandn(rng, (2, m))
        dh = C.to_device(h)
        for n in (None, 2 * m - 1, 2 * m - 2, 2 * m + 3, 3):
            ref = np.fft.irfft(h, n=n)
            out = C.c2r(dh, None if n is None else (n,), (-1,), "backward", tpb)
            _assert_close(out.copy_to_host(), ref, ref.shape[-1], np.float64, f"c2r m={m} n={n}")
        np.testing.assert_array_equal(dh.copy_to_host(), h)
    # Axis 0 and several axes, rfftn / irfftn.
    x = rng.standard_normal((7, 6) if not big else (130, 96))
    d = C.to_device(x)
    for axes in ((0,), (1,), (0, 1), (1, 0)):
        spec = C.r2c(d, None, axes, "backward", tpb)
        _assert_close(spec.copy_to_host(), np.fft.rfftn(x, axes=axes), x.size, np.complex128,
                      f"rfftn axes={axes}")
        s = [x.shape[a] for a in axes]
        back = C.c2r(spec, s, axes, "backward", tpb)
        _assert_close(back.copy_to_host(), np.fft.irfftn(np.fft.rfftn(x, axes=axes), s, axes),
                      x.size, np.float64, f"irfftn axes={axes}")
    spec = C.r2c(d, (8, 5), (0, 1), "ortho", tpb)
    ref = np.fft.rfftn(x, (8, 5), axes=(0, 1), norm="ortho")
    _assert_close(spec.copy_to_host(), ref, 40, np.complex128, "rfftn s")
    # Single precision stays single.
    x32 = rng.standard_normal((2, 12)).astype(np.float32)
    spec = C.r2c(C.to_device(x32), None, (-1,), "backward", tpb)
    assert spec.dtype == np.complex64
    _assert_close(spec.copy_to_host(), np.fft.rfft(x32.astype(np.float64)), 12, np.complex64,
                  "r2c float32")
    back = C.c2r(spec, (12,), None, "backward", tpb)
    assert back.dtype == np.float32
    _assert_close(back.copy_to_host(), x32.astype(np.float64), 12, np.float32, "c2r complex64")
    try:
        C.r2c(C.to_device(crandn(rng, (4,))), None, None, "backward", tpb)
    except TypeError:
        pass
    else:
        raise AssertionError("r2c accepted complex input")


def check_multiply_and_real_part(big=False):
    C = _mod()
    rng = _rng()
    tpb = None if big else 4
    shape = (3, 4, 5) if not big else (16, 64, 33)
    spec = crandn(rng, shape)
    for sym_shape in ((1, shape[1], 1), (shape[0], 1, shape[2]), shape, (1, 1, 1)):
        for sym in (crandn(rng, sym_shape), rng.standard_normal(sym_shape)):
            d = C.to_device(spec)
            ret = C.multiply_inplace(d, C.to_device(sym), tpb)
            assert ret is d
            _assert_close(d.copy_to_host(), spec * sym, 2, np.complex128, f"mul {sym_shape}")
    s64 = spec.astype(np.complex64)
    d = C.to_device(s64)
    sym = crandn(rng, (1, shape[1], shape[2]))
    C.multiply_inplace(d, C.to_device(sym), tpb)
    assert d.dtype == np.complex64
    _assert_close(d.copy_to_host(), s64.astype(np.complex128) * sym, 2, np.complex64, "mul c64")
    for bad in ((2, shape[1], shape[2]), (shape[1], shape[2])):
        try:
            C.multiply_inplace(C.to_device(spec), C.to_device(np.ones(bad)), tpb)
        except ValueError:
            pass
        else:
            raise AssertionError(f"multiply_inplace accepted symbol shape {bad}")
    for dtype, rdtype in ((np.complex64, np.float32), (np.complex128, np.float64)):
        c = spec.astype(dtype)
        dc = C.to_device(c)
        re = C.real_part(dc, tpb)
        assert re.dtype == rdtype and tuple(re.shape) == shape
        np.testing.assert_array_equal(re.copy_to_host(), c.real)
        np.testing.assert_array_equal(dc.copy_to_host(), c)
        re = C.real_part(dc[:, ::-1, ::2], tpb)  # strided view
        np.testing.assert_array_equal(re.copy_to_host(), c[:, ::-1, ::2].real)


def check_edges(big=False):
    C = _mod()
    rng = _rng()
    assert not C.is_device_array(np.zeros(3))
    assert not C.is_device_array([1.0])
    x = crandn(rng, (2, 8))
    d = C.to_device(x)
    assert C.is_device_array(d)
    # Default threads per block.
    _assert_close(C.c2c(d, None, None, True, None).copy_to_host(), np.fft.fftn(x), 16,
                  np.complex128, "default tpb")
    # Zero-size batch: empty result of the right shape and dtype.
    e = C.c2c(C.to_device(np.zeros((0, 8), np.complex64)), None, (-1,), True, "backward", 4)
    assert tuple(e.shape) == (0, 8) and e.dtype == np.complex64
    e = C.r2c(C.to_device(np.zeros((0, 8))), None, (-1,), "backward", 4)
    assert tuple(e.shape) == (0, 5) and e.dtype == np.complex128
    e = C.c2r(C.to_device(np.zeros((0, 5), np.complex128)), None, (-1,), "backward", 4)
    assert tuple(e.shape) == (0, 8) and e.dtype == np.float64
    # Integers compute in double precision.
    xi = np.arange(10, dtype=np.int64).reshape(2, 5)
    out = C.c2c(C.to_device(xi), None, (-1,), True, "backward", 4)
    assert out.dtype == np.complex128
    _assert_close(out.copy_to_host(), np.fft.fft(xi), 5, np.complex128, "int input")
    # axes=() gives a new array equal to the (promoted) input.
    out = C.c2c(d, None, (), True, "backward", 4)
    assert out is not d
    np.testing.assert_array_equal(out.copy_to_host(), x)
    bad = [
        (ValueError, lambda: C.c2c(C.to_device(np.zeros((2, 0), np.complex128)), None, None,
                                   True, "backward", 4)),
        (ValueError, lambda: C.c2c(d, None, None, True, "bogus", 4)),
        (ValueError, lambda: C.c2c(d, None, (0, 0), True, "backward", 4)),
        (ValueError, lambda: C.c2c(d, (4, 4, 4), (0, 1), True, "backward", 4)),
        (ValueError, lambda: C.c2c(d, None, None, True, "backward", 0)),
        (ValueError, lambda: C.c2r(C.to_device(np.zeros((2, 1), np.complex128)), None, None,
                                   "backward", 4)),
        (np.exceptions.AxisError, lambda: C.c2c(d, None, (2,), True, "backward", 4)),
        (TypeError, lambda: C.c2c(np.zeros(4, np.complex128), None, None, True, "backward", 4)),
        (TypeError, lambda: C.c2c(C.to_device(np.zeros(4, np.float16)), None, None, True,
                                  "backward", 4)),
    ]
    for exc, fn in bad:
        try:
            fn()
        except exc:
            pass
        else:
            raise AssertionError(f"expected {exc.__name__}")


CHECKS = [
    "check_c2c_sizes",
    "check_c2c_single",
    "check_c2c_axes",
    "check_real",
    "check_multiply_and_real_part",
    "check_edges",
]


# ---------------------------------------------------------------------------
# Runners
# ---------------------------------------------------------------------------
_SIM_RUNNER = textwrap.dedent(
    """
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("_fracfft_cuda_checks", sys.argv[1])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from numba import cuda
    assert cuda.is_available(), "simulator not enabled"
    getattr(mod, sys.argv[2])()
    """
)


def _sim_env():
    env = dict(os.environ)
    env["NUMBA_ENABLE_CUDASIM"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([ROOT, HERE, env.get("PYTHONPATH", "")])  # naive.py
    env["PYTHONWARNINGS"] = "error"
    return env


@pytest.mark.parametrize("check", CHECKS)
def test_cuda_simulator(check):
    proc = subprocess.run(
        [sys.executable, "-c", _SIM_RUNNER, os.path.abspath(__file__), check],
        env=_sim_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{check} failed under NUMBA_ENABLE_CUDASIM=1:\n{proc.stderr}"


def _real_gpu():
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return False
    # No driver library, no GPU: decide without importing numba.cuda into this process.
    if not (ctypes.util.find_library("cuda") or ctypes.util.find_library("nvcuda")):
        return False
    try:
        from numba import cuda

        return bool(cuda.is_available())
    except Exception:  # no numba-cuda, broken driver: no GPU to test
        return False


@pytest.mark.gpu
@pytest.mark.skipif(not _real_gpu(), reason="needs a real CUDA GPU")
@pytest.mark.parametrize("check", CHECKS)
def test_cuda_real_gpu(check):
    globals()[check](big=True)


@pytest.mark.gpu
@pytest.mark.skipif(not _real_gpu(), reason="needs a real CUDA GPU")
def test_cuda_real_gpu_cuda_array_interface():
    # Any __cuda_array_interface__ object is accepted; the output is a numba device array.
    from numba import cuda

    C = _mod()
    x = crandn(_rng(), (4, 64))
    d = cuda.to_device(x)

    class Wrapped:
        __cuda_array_interface__ = d.__cuda_array_interface__

    out = C.c2c(Wrapped(), None, None, True, "backward")
    assert cuda.is_cuda_array(out)
    _assert_close(out.copy_to_host(), np.fft.fft(x), 64, np.complex128, "CAI input")


# Every kernel, with the argument types the launchers give it, compiles for a real GPU.
_PTX_SCRIPT = textwrap.dedent(
    """
    from numba import cuda, types as T
    from fracfft.fft.manual import _cuda as C

    def A(dt, nd, layout="C"):
        return T.Array(dt, nd, layout)

    i64, b1 = T.int64, T.boolean
    for c, f in ((T.complex64, T.float32), (T.complex128, T.float64)):
        W = A(c, 2)
        sigs = [
            ("gather_kernel", (A(f, 3, "A"), W, i64, i64)),
            ("gather_kernel", (A(T.int64, 1), W, i64, i64)),
            ("hermitian_gather_kernel", (A(c, 4, "A"), W, i64, i64)),
            ("scatter_kernel", (W, A(c, 3))),
            ("real_scatter_kernel", (W, A(f, 3))),
            ("radix2_kernel", (W, W, A(c, 1), i64, b1, f)),
            ("radix4_kernel", (W, W, A(c, 1), i64, b1, c, f)),
            ("radix8_kernel", (W, W, A(c, 1), i64, b1, c, c, f)),
            ("chirp_premul_kernel", (W, W, A(c, 1))),
            ("row_multiply_kernel", (W, A(c, 1))),
            ("chirp_postmul_kernel", (W, W, A(c, 1), f)),
            ("copy_kernel", (A(f, 3, "A"), A(c, 3))),
            ("real_part_kernel", (A(c, 2, "A"), A(f, 2))),
            ("multiply_kernel", (A(c, 3), A(T.complex128, 3, "A"), A(i64, 1), A(i64, 1))),
            ("multiply_kernel", (A(c, 2), A(T.float64, 2), A(i64, 1), A(i64, 1))),
        ]
        for name, sig in sigs:
            ptx, _ = cuda.compile_ptx(getattr(C, name).py_func, sig, cc=(8, 0))
            if c == T.complex64 and name in ("radix2_kernel", "radix4_kernel", "radix8_kernel",
                                             "chirp_premul_kernel", "chirp_postmul_kernel",
                                             "row_multiply_kernel", "scatter_kernel"):
                # single precision must not quietly compute in double
                assert ".f64" not in ptx, name
    print("PTX OK")
    """
)


def test_cuda_kernels_compile_to_ptx():
    pytest.importorskip("numba.cuda")
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-c", _PTX_SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=300,
    )
    if proc.returncode != 0 and any(
        key in proc.stderr
        for key in ("DynamicLibNotFoundError", "NvvmSupportError", "libnvvm", "libnvrtc",
                    "CudaSupportError", "NVVM", "NVRTC")
    ) and "AssertionError" not in proc.stderr:
        pytest.skip("CUDA toolchain (NVVM/NVRTC) not installed: cannot compile PTX here")
    assert proc.returncode == 0, proc.stderr
    assert "PTX OK" in proc.stdout


# ---------------------------------------------------------------------------
# CuPy adapter: the paths that need no GPU
# ---------------------------------------------------------------------------
def _load_cupy_adapter():
    from fracfft.fft import _cupy

    return _cupy


def test_cupy_adapter_protocol():
    ad = _load_cupy_adapter()
    assert ad.NAME == "cupy" and ad.EXTRA == "cupy"
    for op in ("load", "c2c", "r2c", "c2r"):
        assert callable(getattr(ad, op))


@pytest.mark.parametrize(
    "call",
    [
        lambda ad, a: ad.c2c(a, None, None, True, "backward", None),
        lambda ad, a: ad.r2c(a, None, None, "backward", None),
        lambda ad, a: ad.c2r(a, None, None, "backward", None),
    ],
)
def test_cupy_adapter_rejects_host_arrays(call):
    ad = _load_cupy_adapter()
    with pytest.raises(TypeError, match=r"backend 'cupy' takes device arrays .*numpy\.ndarray"):
        call(ad, np.zeros(8))
    with pytest.raises(TypeError, match="takes device arrays"):
        call(ad, [1.0, 2.0])


def test_cupy_adapter_missing_package(monkeypatch):
    ad = _load_cupy_adapter()
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy -> ImportError
    with pytest.raises(ImportError, match=r"pip install cupy-cuda12x"):
        ad.load()

    class FakeDevice:
        __cuda_array_interface__ = {}

    with pytest.raises(ImportError, match="cupy-cuda12x"):
        ad.c2c(FakeDevice(), None, None, True, "backward", None)


def test_cupy_adapter_with_fake_cupy(monkeypatch):
    """Dispatch, argument passing and the r2c dtype check, against a stand-in cupy."""
    ad = _load_cupy_adapter()
    calls = []

    class FakeArray:
        def __init__(self, data):
            self.data = np.asarray(data)
            self.shape = self.data.shape
            self.dtype = self.data.dtype

        @property
        def __cuda_array_interface__(self):
            return {}

    def record(name, fn):
        def inner(x, s=None, axes=None, norm=None):
            calls.append((name, s, axes, norm))
            return FakeArray(fn(x.data, s=s, axes=axes, norm=norm))

        return inner

    fake = type(sys)("cupy")
    fake.ndarray = FakeArray
    fake.asarray = lambda a: FakeArray(np.zeros(3))
    fake.fft = type(sys)("cupy.fft")
    for name in ("fftn", "ifftn", "rfftn", "irfftn"):
        setattr(fake.fft, name, record(name, getattr(np.fft, name)))
    monkeypatch.setitem(sys.modules, "cupy", fake)

    x = FakeArray(crandn(_rng(), (3, 8)))
    out = ad.c2c(x, None, (1,), True, "ortho", 4)
    assert isinstance(out, FakeArray)
    np.testing.assert_allclose(out.data, np.fft.fft(x.data, norm="ortho"))
    ad.c2c(x, (-1, 4), (0, 1), False, "forward", None)
    assert calls[-1] == ("ifftn", (3, 4), (0, 1), "forward")
    ad.c2r(x, [-1], (1,), "backward", None)
    assert calls[-1] == ("irfftn", (14,), (1,), "backward")
    with pytest.raises(TypeError, match="real input"):
        ad.r2c(x, None, None, "backward", None)
    xr = FakeArray(np.arange(8.0))
    np.testing.assert_allclose(ad.r2c(xr, None, None, "backward", None).data, np.fft.rfft(xr.data))
    # Any other __cuda_array_interface__ object goes through cupy.asarray.
    class Other:
        __cuda_array_interface__ = {}

    assert isinstance(ad.c2c(Other(), None, None, True, "backward", None), FakeArray)


def test_modules_import_without_gpu():
    # The kernels compile lazily, so importing them needs no GPU; the adapter imports
    # CuPy only when a transform runs.
    code = (
        "import sys\n"
        "import fracfft.fft._cupy\n"
        "assert 'cupy' not in sys.modules\n"
        "import fracfft.fft.manual._cuda\n"
    )
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
