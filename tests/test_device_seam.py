"""The device seam (fracfft._device): host Numba kernels, numba.cuda under the simulator, CuPy.

Every path is compared against the host NumPy result of the one core (``fracfft._core``),
whose symbols come from :mod:`fracfft.symbols` and whose operators are checked against dense
DFTs and analytic values elsewhere; tolerances follow the dtype.
"""

import importlib.util
import os
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

import fracfft
from fracfft import _core, _device

EPS = {np.dtype(np.float32): np.finfo(np.float32).eps, np.dtype(np.float64): np.finfo(float).eps}


def rel(a, b):
    return float(np.abs(np.asarray(a) - np.asarray(b)).max() / max(np.abs(b).max(), 1e-300))


# --- canonical broadcast form ---------------------------------------------------------------


@pytest.mark.parametrize(("shape", "kshape", "dims"), [
    ((64, 33), (1, 33), (64, 1, 1, 33)),           # shared order, last axis
    ((4, 3, 9), (1, 3, 9), (4, 1, 1, 27)),         # one order per channel
    ((9, 64), (9, 1), (1, 9, 64, 1)),              # transform along axis 0
    ((2, 9, 5), (1, 9, 1), (2, 9, 5, 1)),          # a middle axis
    ((3, 4, 9), (3, 1, 9), (1, 3, 4, 9)),          # channels, batch, axis
    ((2, 3, 4, 9), (1, 3, 1, 9), (2, 3, 4, 9)),
    ((3, 2, 9, 2), (3, 1, 9, 1), None),            # five runs: NumPy does it
    ((1, 9), (1, 9), (1, 1, 1, 9)),
])
def test_canonical(shape, kshape, dims, rng):
    assert _device.canonical(shape, kshape) == dims
    if dims is None:
        return
    spec = rng.standard_normal(shape)
    k = rng.standard_normal(kshape)
    a, b, c, d = dims
    np.testing.assert_array_equal(spec.reshape(dims) * k.reshape(b, 1, d),
                                  (spec * k).reshape(dims))


# --- host: the manual backend's Numba kernels -----------------------------------------------

CASES = [  # shape, axis, kind, alpha
    ((4, 64), -1, "weyl", 0.7),
    ((3, 2, 30), -1, "weyl", np.array([0.3, 1.6])[None, :, None]),
    ((33, 5), 0, "riesz", 1.3),
    ((2, 12, 10), (1, 2), "weyl", 0.45),
    ((3, 10, 8), (1, 2), "riesz", np.array([0.5, 1.0, 1.5])[:, None, None]),
    ((3, 2, 9, 2), 2, "weyl", np.array([0.2, 0.9, 1.4])[:, None, None, None]),  # NumPy fallback
    ((4, 16), -1, "gl", 0.6),
    ((3, 2, 12), -1, "caputo", np.array([0.3, 0.8])[None, :, None]),
]


@pytest.fixture
def kernels_everywhere(monkeypatch):
    """Route every host spectrum, however small, through the manual backend's kernels."""
    monkeypatch.setattr(_device, "KERNEL_MIN", 1)
    monkeypatch.setattr(_device, "SMALL_REDUCTION", 0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize("method", ["rfft", "fft"])
@pytest.mark.parametrize(("shape", "axis", "kind", "alpha"), CASES)
def test_manual_kernels_match_numpy(kernels_everywhere, rng, dtype, method, shape, axis, kind,
                                    alpha):
    if method == "rfft" and np.dtype(dtype).kind == "c":
        pytest.skip("rfft needs real input")
    x = rng.standard_normal(shape).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
        g = g + 1j * rng.standard_normal(shape)
    eps = EPS[np.dtype(x.real.dtype)]
    tol = 200 * eps
    for mode in ("forward", "adjoint", "dalpha"):
        got = _core.apply(x, alpha, axis, kind=kind, dx=0.5, method=method, backend="manual",
                          mode=mode, workers=2)
        ref = _core.apply(x, alpha, axis, kind=kind, dx=0.5, method=method, backend="numpy",
                          mode=mode)
        assert got.dtype == ref.dtype and rel(got, ref) <= tol, mode
    results = {}
    for backend in ("manual", "numpy"):
        _, plan = _core.make_plan(x, alpha, axis, kind=kind, dx=0.5, method=method,
                                  backend=backend, workers=2)
        results[backend] = [_core.vjp(plan, g, x, need_x=need_x) for need_x in (True, False)]
    (gx, ga), (_, ga2) = results["manual"]
    (rgx, rga), _ = results["numpy"]
    assert rel(gx, rgx) <= tol
    assert type(ga) is type(rga)
    assert np.shape(ga) == np.shape(rga)
    assert rel(ga, rga) <= tol and rel(ga2, rga) <= tol


def test_manual_kernel_is_used_and_large_vjp_matches(rng, monkeypatch):
    """Above KERNEL_MIN the fused kernel runs (spied on) and agrees with the NumPy route.

    Riesz: a one-axis weyl plan's alpha-gradient reads the products ``K X`` instead
    (``_core.keeps_products``), one pass that needs no kernel.
    """
    from fracfft.fft.manual import _symbol

    calls = []
    real = _symbol.reduce_multiply

    def spy(*args):
        calls.append(args[-2:])
        return real(*args)

    monkeypatch.setattr(_symbol, "reduce_multiply", spy)
    x = rng.standard_normal((8, 2 * _device.KERNEL_MIN // 8))
    g = rng.standard_normal(x.shape)
    out = {}
    for backend in ("manual", "scipy"):
        _, plan = _core.make_plan(x, 0.6, -1, kind="riesz", dx=1.0, method="auto",
                                  backend=backend, workers=2)
        out[backend] = _core.vjp(plan, g, x)
    assert calls, "the manual backend did not use its fused kernel"
    assert rel(out["manual"][0], out["scipy"][0]) <= 100 * EPS[np.dtype(np.float64)]
    assert abs(out["manual"][1] - out["scipy"][1]) <= 100 * EPS[np.dtype(np.float64)] * max(
        1.0, abs(out["scipy"][1]))


def test_small_host_calls_stay_on_numpy(monkeypatch, rng):
    """Below KERNEL_MIN (the latency-critical small calls) no Numba kernel is touched."""
    def boom(*args, **kwargs):
        raise AssertionError("kernel used for a small array")

    monkeypatch.setattr(_device, "_kernel_multiply", boom)
    monkeypatch.setattr(_device, "_kernel_reduce", boom)
    x = rng.standard_normal(32)
    y = fracfft.derivative(x, 0.5, backend="manual")
    _, plan = _core.make_plan(x, 0.5, -1, kind="weyl", dx=1.0, method="auto", backend="manual",
                              workers=1)
    _core.vjp(plan, x, x)
    assert rel(y, fracfft.derivative(x, 0.5)) <= 100 * EPS[np.dtype(np.float64)]


def test_multiply_symbol_validates(rng):
    spec = rng.standard_normal((2, 9)) + 0j
    with pytest.raises(ValueError, match="bins"):
        _device.multiply_symbol(spec, np.ones(1), 9, 1.0, 0, 0, True, 1)
    with pytest.raises(ValueError, match="alpha"):
        _device.multiply_symbol(spec, np.ones(3), 9, 1.0, 0, 0, False, 1)


def test_paired_range():
    assert _device.paired_range(8, True) == (1, 4)   # bins 0..4; 0 and 4 (Nyquist) once
    assert _device.paired_range(9, True) == (1, 5)   # bins 0..4; only 0 once
    assert _device.paired_range(2, True) == (1, 1)
    assert _device.paired_range(8, False) is None


# --- CuPy: its code paths with a stand-in module (CuPy is not installed here) ---------------


@pytest.mark.parametrize("method", ["rfft", "fft"])
@pytest.mark.parametrize(("shape", "axis", "kind", "alpha"), CASES[:5])
def test_cupy_reduction_with_a_stand_in(monkeypatch, rng, method, shape, axis, kind, alpha):
    """The CuPy reduction's arithmetic, run on NumPy arrays through a stand-in ``cupy``."""
    fake = types.SimpleNamespace(asarray=np.asarray, asnumpy=np.asarray)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    x = rng.standard_normal(shape)
    g = rng.standard_normal(shape)
    _, plan = _core.make_plan(x, alpha, axis, kind=kind, dx=0.5, method=method, backend="numpy",
                              workers=1)
    ref = _core.vjp(plan, g, x, need_x=False)[1]
    _, dk = _core.symbol(plan, "both")
    total = _device._cupy_alpha_gradient(
        _core.forward(plan, _core.project(plan, x)), _core.forward(plan, g), dk, plan.axes,
        plan.ns, plan.method == "rfft") / float(np.prod(plan.ns))
    got = float(total.sum()) if isinstance(plan.alpha, float) else total
    assert np.shape(got) == np.shape(ref)
    assert rel(got, ref) <= 100 * EPS[np.dtype(np.float64)]


@pytest.mark.skipif(importlib.util.find_spec("cupy") is None, reason="CuPy not installed")
def test_cupy_vjp_matches_host():  # pragma: no cover - needs a GPU and CuPy
    import cupy

    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2, 16))
    g = rng.standard_normal(x.shape)
    alpha = np.array([0.4, 1.2])[None, :, None]
    for method in ("rfft", "fft"):
        _, plan = _core.make_plan(x, alpha, -1, kind="weyl", dx=1.0, method=method,
                                  backend=None, workers=1)
        gx, ga = _core.vjp(plan, g, x)
        _, dplan = _core.make_plan(cupy.asarray(x), alpha, -1, kind="weyl", dx=1.0,
                                   method=method, backend="cupy", workers=1)
        dgx, dga = _core.vjp(dplan, cupy.asarray(g), cupy.asarray(x))
        assert rel(cupy.asnumpy(dgx), gx) <= 1e-13 and rel(dga, ga) <= 1e-13


# --- numba.cuda under the simulator, with numba-cuda and with plain numba -------------------

SIM_SCRIPT = textwrap.dedent("""
    import sys, warnings
    if sys.argv[1] == "plain":  # as if numba-cuda were not installed: numba's own numba.cuda
        sys.modules["numba_cuda"] = None
        warnings.filterwarnings("ignore", message="Couldn't get spec for numba_cuda")
    import numpy as np
    from numba import cuda
    import fracfft
    from fracfft import _core, _device

    if sys.argv[1] == "plain":
        assert "numba_cuda" not in (cuda.__file__ or ""), cuda.__file__
    rng = np.random.default_rng(2)
    cases = [((3, 16), -1, "weyl", 0.7), ((5, 12), 0, "riesz", 1.3),
             ((4, 6), (0, 1), "weyl", 0.4),
             ((2, 3, 10), -1, "weyl", np.array([[0.2], [1.1], [1.7]])[None]),
             ((2, 3, 10), (1, 2), "riesz", 0.6),
             ((3, 2, 9), -1, "caputo", np.array([0.3, 0.8])[None, :, None]),
             ((4, 7), -1, "gl", 0.5),
             ((3, 2, 9, 2), 2, "weyl", np.array([0.2, 0.9, 1.4])[:, None, None, None])]
    for shape, axis, kind, alpha in cases:
        for method in ("rfft", "fft"):
            x = rng.standard_normal(shape)
            g = rng.standard_normal(shape)
            for fn in (fracfft.derivative, fracfft.derivative_adjoint,
                       fracfft.derivative_dalpha):
                d = cuda.to_device(x)
                y = fn(d, alpha, axis, kind=kind, method=method, backend="manual", dx=0.5)
                assert _device.kind(y) == "numba", type(y)
                ref = fn(x, alpha, axis, kind=kind, method=method, dx=0.5)
                assert np.abs(y.copy_to_host() - ref).max() <= 1e-13 * np.abs(ref).max()
                np.testing.assert_array_equal(d.copy_to_host(), x)
            _, plan = _core.make_plan(x, alpha, axis, kind=kind, dx=0.5, method=method,
                                      backend="numpy", workers=1)
            gx, ga = _core.vjp(plan, g, x)
            dx_, dplan = _core.make_plan(cuda.to_device(x), alpha, axis, kind=kind, dx=0.5,
                                         method=method, backend="manual", workers=1)
            assert dplan.device
            for need_x in (True, False):
                dg = cuda.to_device(g)
                dgx, dga = _core.vjp(dplan, dg, dx_, need_x=need_x)
                np.testing.assert_array_equal(dg.copy_to_host(), g)  # g untouched
                if need_x:
                    assert _device.kind(dgx) == "numba"
                    assert np.abs(dgx.copy_to_host() - gx).max() <= 1e-13 * np.abs(gx).max()
                else:
                    assert dgx is None
                assert type(dga) is type(ga), (type(dga), type(ga))
                assert np.shape(dga) == np.shape(ga)
                err = np.abs(np.asarray(dga) - ga).max() / max(np.abs(ga).max(), 1e-300)
                assert err <= 1e-13, (shape, axis, kind, method, err)
    # single precision, complex input (fft method)
    z = (rng.standard_normal((3, 12)) + 1j * rng.standard_normal((3, 12))).astype(np.complex64)
    _, plan = _core.make_plan(z, 0.8, -1, kind="weyl", dx=1.0, method="fft", backend="numpy",
                              workers=1)
    gx, ga = _core.vjp(plan, z, z)
    dz, dplan = _core.make_plan(cuda.to_device(z), 0.8, -1, kind="weyl", dx=1.0,
                                method="fft", backend="manual", workers=1)
    dgx, dga = _core.vjp(dplan, cuda.to_device(z), dz)
    assert dgx.dtype == np.complex64
    assert np.abs(dgx.copy_to_host() - gx).max() <= 1e-5 * np.abs(gx).max()
    assert abs(dga - ga) <= 1e-5 * max(1.0, abs(ga))
    # the seam's small operations
    c = rng.standard_normal((4, 5)) + 1j * rng.standard_normal((4, 5))
    dc = cuda.to_device(c)
    np.testing.assert_array_equal(_device.real_part(dc).copy_to_host(), c.real)
    np.testing.assert_array_equal(_device.fresh_copy(dc[:, 1:3]).copy_to_host(), c[:, 1:3])
    y = fracfft.derivative(cuda.to_device(x), 0.0, backend="manual")  # the identity: a copy
    assert _device.kind(y) == "numba" and np.array_equal(y.copy_to_host(), x)
    print("ok")
""")


def _numba_cuda_installed():
    return importlib.util.find_spec("numba_cuda") is not None


@pytest.mark.parametrize("flavour", [
    pytest.param("numba-cuda", marks=pytest.mark.skipif(
        not _numba_cuda_installed(), reason="numba-cuda not installed")),
    "plain",
])
def test_device_arrays_under_the_simulator(flavour):
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    out = subprocess.run([sys.executable, "-c", SIM_SCRIPT, flavour], capture_output=True,
                         text=True, env=env, timeout=900, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")


# --- structure: the core reaches devices only through the seam ------------------------------


def _imports(path):
    import ast

    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def test_core_imports_no_kernel_module_and_no_cupy():
    import pathlib

    core = pathlib.Path(_core.__file__)
    names = _imports(core)
    assert not any("manual" in n or "cupy" in n or "numba" in n for n in names), names
    torch_py = (core.parent / "torch.py").read_text()
    assert "_device_vjp" not in torch_py and "_torch_alpha_reduction" not in torch_py
