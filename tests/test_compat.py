"""fracfft._compat: the one place that bridges numpy / torch / numba version differences.

These tests run on whatever stack is installed; CI runs the whole suite twice, on the newest
releases and on the declared floors (numpy 1.25, scipy 1.11.1, numba 0.59), so each branch of
the compat layer is exercised by one of the two runs. Older torch releases (< 2.4, no
``torch.library.custom_op``) are not installed in CI: a subprocess removes the newer names from
torch 2.13 before fracfft.torch is imported, which is what fracfft sees on torch 2.1 - 2.3.
"""

import configparser
import os
import pathlib
import re
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest
import scipy.fft

import fracfft
import fracfft.fft
from fracfft import _compat

from naive import crandn, dft, fft_tol, rel_err
from naive import derivative as naive_derivative

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = ROOT / "fracfft"
def _env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), env.get("PYTHONPATH", "")])
    env["PYTHONWARNINGS"] = "error"
    env.update(extra)
    return env


def _run(script, **extra):
    proc = subprocess.run([sys.executable, "-c", script], env=_env(**extra), cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout


# ---------------------------------------------------------------------------------------------
# numpy
# ---------------------------------------------------------------------------------------------

@pytest.fixture(params=["memo", "errstate block"])
def quiet_decorator(request, monkeypatch):
    """``ignoring_fp_errors`` as NumPy 2 gets it, and its public ``errstate`` fallback."""
    if request.param == "errstate block":
        monkeypatch.setattr(_compat, "_errstate_internals", lambda: None)
    return _compat.ignoring_fp_errors


def test_ignoring_fp_errors_quiets_invalid_and_overflow_and_keeps_the_rest(quiet_decorator):
    """Inside: invalid and over ignored, the caller's divide/under kept; after: all restored,
    also when the function raises; a caller's new state is followed on the next call."""
    import warnings

    @quiet_decorator
    def probe(fail=False):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            nan = np.array([np.inf + 0j]) * np.array([0j])  # invalid
            big = np.array([1e300]) * np.array([1e300])  # overflow
        if fail:
            raise KeyError("inside")
        return np.geterr(), nan, big

    for divide, under in (("raise", "warn"), ("ignore", "raise"), ("raise", "warn")):
        with np.errstate(divide=divide, under=under, invalid="raise", over="raise"):
            before = np.geterr()
            seen, nan, big = probe()
            assert seen == {"divide": divide, "under": under, "invalid": "ignore",
                            "over": "ignore"}
            assert np.isnan(nan).all() and np.isinf(big).all()
            assert np.geterr() == before
            with pytest.raises(KeyError, match="inside"):
                probe(fail=True)
            assert np.geterr() == before


def test_ignoring_fp_errors_gives_each_thread_its_own_state(quiet_decorator):
    """NumPy's error state is per thread (a ContextVar): the remembered state must not leak."""
    import threading

    @quiet_decorator
    def divide_setting():
        return np.geterr()["divide"]

    results, barrier = {}, threading.Barrier(2)

    def worker(divide):
        barrier.wait()
        with np.errstate(divide=divide):
            results[divide] = {divide_setting() for _ in range(2000)}

    threads = [threading.Thread(target=worker, args=(d,)) for d in ("raise", "warn")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"raise": {"raise"}, "warn": {"warn"}}


def test_axis_error_is_numpys():
    assert _compat.AxisError is np.exceptions.AxisError
    assert issubclass(_compat.AxisError, ValueError)
    assert issubclass(_compat.AxisError, IndexError)


@pytest.mark.parametrize(("axis", "ndim", "expected"),
                         [(0, 1, 0), (-1, 1, 0), (2, 3, 2), (-3, 3, 0), (-1, 4, 3)])
def test_normalize_axis_index(axis, ndim, expected):
    assert _compat.normalize_axis_index(axis, ndim) == expected


@pytest.mark.parametrize(("axis", "ndim"), [(1, 1), (-2, 1), (3, 3), (-4, 3), (0, 0)])
def test_normalize_axis_index_out_of_range(axis, ndim):
    with pytest.raises(np.exceptions.AxisError):
        _compat.normalize_axis_index(axis, ndim)


@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_scipy_backend_normalises_axes(rng, axis):
    # the uarray adapter's axis handling goes through the compat layer on every numpy
    x = crandn(rng, (6, 10))
    with scipy.fft.set_backend(fracfft.fft.manual_backend, only=True):
        y = scipy.fft.fft(x, axis=axis)
        with pytest.raises(np.exceptions.AxisError):
            scipy.fft.fft(x, axis=2)
        z = scipy.fft.fftn(x, axes=(-1, 0))
    assert rel_err(y, dft(x, axis)) <= fft_tol(10)
    assert rel_err(z, dft(dft(x, 0), 1)) <= fft_tol(60)


_NUMPY2_ONLY = re.compile(
    r"numpy\.lib\.array_utils|np\.lib\.array_utils|numpy\.core\b|np\.core\b"
    r"|np\.astype\(|np\.unstack|np\.isdtype|np\.vecdot|np\.matrix_transpose|np\.concat\("
    r"|np\.permute_dims|np\.cumulative_sum|np\.trapezoid|np\.bool\b")


def test_version_specific_names_only_in_compat():
    """numpy-2-only names and torch's newer compile API appear nowhere but _compat.py."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_compat.py":
            continue
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if _NUMPY2_ONLY.search(code) or "compiler.is_compiling" in code:
                offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


# ---------------------------------------------------------------------------------------------
# torch helpers (module stand-ins: no torch needed)
# ---------------------------------------------------------------------------------------------

def test_torch_has_custom_op():
    ns = types.SimpleNamespace
    assert _compat.torch_has_custom_op(ns(library=ns(custom_op=lambda *a, **k: None)))
    assert not _compat.torch_has_custom_op(ns(library=ns()))
    assert not _compat.torch_has_custom_op(ns())


def test_torch_is_compiling_prefers_torch_compiler():
    def flag():
        return True

    fake = types.SimpleNamespace(__name__="fake_torch", compiler=types.SimpleNamespace(
        is_compiling=flag))
    assert _compat.torch_is_compiling(fake) is flag


def test_torch_is_compiling_falls_back_to_dynamo(monkeypatch):
    # torch 2.1 / 2.2: torch.compiler exists without is_compiling; dynamo has it
    def flag():
        return True

    pkg = types.ModuleType("fake_old_torch")
    pkg.compiler = types.ModuleType("fake_old_torch.compiler")
    dyn = types.ModuleType("fake_old_torch._dynamo")
    utils = types.ModuleType("fake_old_torch._dynamo.external_utils")
    utils.is_compiling = flag
    for mod in (pkg, pkg.compiler, dyn, utils):
        monkeypatch.setitem(sys.modules, mod.__name__, mod)
    assert _compat.torch_is_compiling(pkg) is flag


def test_torch_is_compiling_without_either():
    pkg = types.ModuleType("fake_torch_without_dynamo")  # not importable: no _dynamo
    assert _compat.torch_is_compiling(pkg) is _compat.not_compiling
    assert _compat.torch_is_compiling(types.SimpleNamespace()) is _compat.not_compiling
    assert _compat.not_compiling() is False


def test_torch_is_compiling_real_torch():
    torch = pytest.importorskip("torch")
    fn = _compat.torch_is_compiling(torch)
    assert fn() is False
    assert torch.compile(lambda t: t + 1 if fn() else t - 1, backend="eager")(
        torch.zeros(())).item() == 1.0


_OLD_TORCH = textwrap.dedent("""
    import numpy as np
    import torch

    # What fracfft.torch finds on torch 2.1 - 2.3: no torch.library.custom_op.
    del torch.library.custom_op

    import fracfft.torch as ft
    from naive import derivative, fft_tol, rel_err

    assert ft._HAS_CUSTOM_OPS is False
    assert not hasattr(torch.ops.fracfft, "spectral_derivative")
    assert not hasattr(torch.ops.fracfft, "spectral_derivative_vjp")

    gen = torch.Generator().manual_seed(7)
    x = torch.randn(3, 16, generator=gen, dtype=torch.float64, requires_grad=True)
    a = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    y = ft.fractional_derivative(x, a)
    ref = derivative(x.detach().numpy(), 0.7).real
    err = rel_err(y.detach().numpy(), ref)
    tol = fft_tol(16)
    assert err <= tol, (err, tol)
    f = ft.SpectralFractionalDerivative.apply
    assert torch.autograd.gradcheck(lambda t: f(t, a.detach(), -1, "rfft", "riesz"), (x,))
    assert torch.autograd.gradcheck(lambda s: f(x.detach(), s, -1, "fft", "weyl"), (a,))
    layer = ft.FractionalDerivative(alpha=0.5)
    layer(x).sum().backward()
    print("ok")
""")


def test_torch_without_custom_op_runs_eagerly():
    pytest.importorskip("torch")
    assert _run(_OLD_TORCH).strip().endswith("ok")


def test_custom_ops_registered_where_available():
    torch = pytest.importorskip("torch")
    import fracfft.torch as ft

    assert ft._HAS_CUSTOM_OPS is _compat.torch_has_custom_op(torch)
    if ft._HAS_CUSTOM_OPS:
        assert hasattr(torch.ops.fracfft, "spectral_derivative")
        assert hasattr(torch.ops.fracfft, "spectral_derivative_vjp")


# ---------------------------------------------------------------------------------------------
# numba.cuda: the simulator of numba's built-in CUDA target (no numba-cuda package)
# ---------------------------------------------------------------------------------------------

_CUDASIM = textwrap.dedent("""
    import sys
    import numpy as np
    from numba import cuda

    if sys.argv[1] == "drop":  # numba's own simulator (numba-cuda absent) lacks this function
        if hasattr(cuda, "get_current_device"):
            del cuda.get_current_device
    import fracfft
    from naive import derivative, fft_tol, rel_err

    assert cuda.is_available()
    x = np.random.default_rng(3).standard_normal((2, 24))
    tol = fft_tol(24)
    for kind in ("weyl", "riesz"):
        y = fracfft.derivative(cuda.to_device(x), 0.5, kind=kind, backend="manual")
        err = rel_err(y.copy_to_host(), derivative(x, 0.5, kind=kind).real)
        assert err <= tol, (kind, err, tol)
    print("ok")
""")


@pytest.mark.parametrize("api", ["as-installed", "drop"])
def test_device_array_under_cuda_simulator(api):
    """A numba.cuda device array on the manual backend under NUMBA_ENABLE_CUDASIM=1.

    With numba-cuda absent (the floors run) numba's built-in simulator has no
    ``cuda.get_current_device``; "drop" removes it where numba-cuda provides it, so both
    runs cover that branch.
    """
    out = subprocess.run([sys.executable, "-c", _CUDASIM, api],
                         env=_env(NUMBA_ENABLE_CUDASIM="1"), cwd=ROOT, capture_output=True,
                         text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-4000:]
    assert out.stdout.strip().endswith("ok")


def test_naive_reference_is_independent():
    # guard for the references above: the naive derivative of a sine is analytic
    n = 32
    t = 2 * np.pi * np.arange(n) / n
    y = naive_derivative(np.sin(3 * t), 0.5, dx=2 * np.pi / n).real
    ref = 3**0.5 * np.sin(3 * t + np.pi / 4)
    assert rel_err(y, ref) <= fft_tol(n, factor=16)


# ---------------------------------------------------------------------------------------------
# setup.cfg's floors are what the floors CI run (.ci/floors) installs
# ---------------------------------------------------------------------------------------------

def _key(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(text):
    parts = [int(p) for p in text.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _requirements(value):
    """[(name, floor or None)] from a setup.cfg list of ``name[extras]>=floor`` lines."""
    out = []
    for line in filter(None, (v.strip() for v in value.splitlines())):
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[A-Za-z0-9_,-]+\])?\s*(?:>=\s*([0-9][0-9.]*))?",
                         line)
        assert m, f"setup.cfg: expected 'name' or 'name>=version', got {line!r}"
        out.append((_key(m[1]), m[2]))
    return out


def _setup_cfg():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    core = _requirements(cfg["options"]["install_requires"])
    extras = [r for _, v in cfg["options.extras_require"].items() for r in _requirements(v)]
    return core, extras


def _pins():
    pins = {}
    for line in (ROOT / ".ci" / "floors.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f".ci/floors.txt: expected 'name==version', got {line!r}"
            pins[_key(name.strip())] = version.strip()
    return pins


def test_core_floors_are_the_pins_ci_runs():
    core, _ = _setup_cfg()
    pins = _pins()
    for name, floor in core:
        assert floor is not None, f"install_requires: {name} has no floor"
        assert name in pins, f"{name} is required but the floors run does not pin it"
        assert _version(pins[name]) == _version(floor), (name, floor, pins[name])


def test_extra_pins_are_the_lowest_declared_floor():
    core, extras = _setup_cfg()
    pins = _pins()
    core_names = {name for name, _ in core}
    for name, pin in pins.items():
        if name in core_names:
            continue
        floors = [floor for n, floor in extras if n == name and floor is not None]
        assert floors, f".ci/floors.txt pins {name}, which no extra declares with a floor"
        assert _version(pin) == min(map(_version, floors)), (name, pin, floors)


# Not run in CI (no GPU there), so no floor can be claimed.
_NO_FLOOR = {"cupy-cuda12x"}


def test_every_requirement_has_a_floor():
    core, extras = _setup_cfg()
    bare = sorted({name for name, floor in core + extras if floor is None} - _NO_FLOOR)
    assert not bare, (f"setup.cfg: give {bare} a floor, the release CI installs "
                      "(README, 'Tested versions')")


def test_floor_helpers_read_what_they_should():
    assert _version("1.25.0") == _version("1.25") == (1, 25)
    assert _version("1.11.1") > _version("1.11")
    assert _requirements("\n    numpy>=1.25\n    cupy-cuda12x\n    dask[array]>=2024.1\n") == [
        ("numpy", "1.25"), ("cupy-cuda12x", None), ("dask", "2024.1")]
    with pytest.raises(AssertionError):
        _requirements("numpy<2")
