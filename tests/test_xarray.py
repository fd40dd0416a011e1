"""fracfft.xarray (SPEC §6): dx from coordinates, errors naming the dimension, metadata kept."""

import doctest
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import fracfft

from naive import fft_tol

xr = pytest.importorskip("xarray", reason="xarray is not installed (pip install fracfft[xarray])")
import fracfft.xarray as fx  # noqa: E402

FUNCS = [(fx.derivative, fracfft.derivative), (fx.derivative_adjoint, fracfft.derivative_adjoint),
         (fx.derivative_dalpha, fracfft.derivative_dalpha)]
IDS = ["derivative", "adjoint", "dalpha"]


def _field(rng, nt=7, nx=36, ny=20):
    x = 1.5 + 0.25 * np.arange(nx)  # dx = 0.25, not starting at 0
    y = -3.0 + 0.1 * np.arange(ny)  # dx = 0.1
    t = np.arange(nt)
    data = rng.standard_normal((nt, nx, ny))
    return xr.DataArray(data, dims=("time", "x", "y"),
                        coords={"time": t, "x": x, "y": y, "label": ("time", list("abcdefg"))},
                        name="vorticity", attrs={"units": "1/s"})


def _close(got, ref, n):
    assert np.abs(got - ref).max() <= fft_tol(n, factor=16) * np.abs(ref).max()


@pytest.mark.parametrize(("fn", "ref_fn"), FUNCS, ids=IDS)
@pytest.mark.parametrize("kind", ["weyl", "riesz"])
def test_dx_comes_from_the_coordinate(fn, ref_fn, kind, rng):
    u = _field(rng)
    out = fn(u, 0.6, "x", kind=kind)
    ref = ref_fn(u.values, 0.6, 1, kind=kind, dx=0.25)
    _close(out.values, ref, 36)
    # Several dims: one spacing each.
    out = fn(u, 0.6, ("y", "x"), kind=kind)
    _close(out.values, ref_fn(u.values, 0.6, (2, 1), kind=kind, dx=(0.1, 0.25)), 36)
    # The spacing matters: the explicit-dx call with another dx differs.
    wrong = ref_fn(u.values, 0.6, 1, kind=kind, dx=1.0)
    assert np.abs(fn(u, 0.6, "x", kind=kind).values - wrong).max() > 1e-3 * np.abs(wrong).max()


def test_fractional_laplacian_dims(rng):
    u = _field(rng)
    out = fx.fractional_laplacian(u, 0.4, ("x", "y"))
    _close(out.values, fracfft.fractional_laplacian(u.values, 0.4, (1, 2), dx=(0.25, 0.1)), 36)
    out = fx.fractional_laplacian(u, 0.4)  # all dims; time has spacing 1
    _close(out.values, fracfft.fractional_laplacian(u.values, 0.4, dx=(1.0, 0.25, 0.1)), 36)


def test_analytic_value_with_physical_coordinates():
    # Length 3 m, 48 points: D^0.5 sin(k x) = k^0.5 sin(k x + pi/4) with k = 2 pi * 2 / 3.
    x = np.arange(48) * (3.0 / 48)
    k = 2 * np.pi * 2 / 3.0
    u = xr.DataArray(np.sin(k * x), dims="x", coords={"x": x})
    out = fx.derivative(u, 0.5, "x")
    _close(out.values, np.sqrt(k) * np.sin(k * x + np.pi / 4), 48)


def test_dims_coords_and_name_are_kept(rng):
    u = _field(rng)
    out = fx.derivative(u, 0.5, "y")
    assert isinstance(out, xr.DataArray)
    assert out.dims == u.dims and out.name == "vorticity"
    xr.testing.assert_identical(out.coords.to_dataset(), u.coords.to_dataset())
    assert out.attrs == {}  # a derivative changes the units
    assert not np.shares_memory(out.values, u.values)


def test_missing_coordinate_means_spacing_one(rng):
    u = xr.DataArray(rng.standard_normal((4, 30)), dims=("b", "s"))
    _close(fx.derivative(u, 0.7, "s").values, fracfft.derivative(u.values, 0.7), 30)


def test_datetime_coordinate_gives_seconds(rng):
    times = np.datetime64("2026-01-01") + np.arange(40) * np.timedelta64(30, "m")
    u = xr.DataArray(rng.standard_normal(40), dims="time", coords={"time": times})
    _close(fx.derivative(u, 0.5, "time").values,
           fracfft.derivative(u.values, 0.5, dx=1800.0), 40)


@pytest.mark.parametrize("fn", [fx.derivative, fx.derivative_adjoint, fx.derivative_dalpha])
def test_bad_coordinates_name_the_dimension(fn, rng):
    u = _field(rng)
    x = u["x"].values.copy()
    x[5] += 1e-4  # relative deviation 4e-4 of one step
    with pytest.raises(ValueError, match="'x'.*not uniformly spaced"):
        fn(u.assign_coords(x=x), 0.5, "x")
    with pytest.raises(ValueError, match="'y'.*not strictly increasing"):
        fn(u.isel(y=slice(None, None, -1)), 0.5, ("x", "y"))
    with pytest.raises(ValueError, match="'y'.*not uniformly spaced"):
        fx.fractional_laplacian(u.assign_coords(y=u["y"].values ** 3 + 30), 0.5)
    # Round-off far below 1e-6 is accepted.
    x = u["x"].values * (1 + 1e-12 * rng.standard_normal(x.size))
    fn(u.assign_coords(x=x), 0.5, "x")


def test_bad_dims(rng):
    u = _field(rng)
    with pytest.raises(ValueError, match="'z'"):
        fx.derivative(u, 0.5, "z")
    with pytest.raises(ValueError, match="repeated"):
        fx.derivative(u, 0.5, ("x", "x"))
    with pytest.raises(TypeError, match="DataArray"):
        fx.derivative(u.values, 0.5, "x")


@pytest.mark.parametrize(("fn", "ref_fn"), FUNCS, ids=IDS)
def test_per_channel_alpha_dataarray(fn, ref_fn, rng):
    u = _field(rng)
    alpha = xr.DataArray(rng.uniform(0.2, 1.0, 7), dims="time")
    out = fn(u, alpha, ("x", "y"))
    _close(out.values, ref_fn(u.values, alpha.values[:, None, None], (1, 2), dx=(0.25, 0.1)), 36)
    with pytest.raises(ValueError, match="transformed dimension 'x'"):
        fn(u, xr.DataArray(np.ones(36), dims="x"), "x")


def test_dask_backed_stays_lazy(rng):
    pytest.importorskip("dask", reason="pip install fracfft[dask]")
    import dask.array as da

    u = _field(rng).chunk({"time": 2, "x": 12})
    out = fx.derivative(u, 0.5, "x", kind="riesz")
    assert isinstance(out.data, da.Array)
    assert out.chunks == u.chunks and out.name == u.name
    ref = fracfft.derivative(u.values, 0.5, 1, kind="riesz", dx=0.25)
    _close(out.compute().values, ref, 36)
    lap = fx.fractional_laplacian(u, 0.3, ("x", "y"))
    assert isinstance(lap.data, da.Array)
    _close(lap.values, fracfft.fractional_laplacian(u.values, 0.3, (1, 2), dx=(0.25, 0.1)), 36)


def test_docstring_examples_run():
    result = doctest.testmod(fx, raise_on_error=False)
    assert result.attempted > 0 and result.failed == 0


def test_example_runs():
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, str(root / "examples" / "xarray_coords.py")],
                          capture_output=True, text=True, cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr
    error = float(proc.stdout.split("max error")[1].split()[0])
    assert error <= 16 * np.finfo(np.float64).eps * 240
    assert "equal True" in proc.stdout
