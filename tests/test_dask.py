"""dask arrays through the NumPy API (SPEC §6): same values, lazy, same chunks."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import fracfft
from fracfft import _validate

from naive import fft_tol

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install fracfft[dask])")
import dask  # noqa: E402

FUNCS = [fracfft.derivative, fracfft.derivative_adjoint, fracfft.derivative_dalpha]
# Every kind the core knows, causal ones included once they exist; 0.7 is valid for all.
KINDS = _validate.KINDS
ALPHA = 0.7


def _assert_matches(lazy, ref, n):
    assert isinstance(lazy, da.Array)
    got = lazy.compute(scheduler="synchronous")
    assert got.dtype == ref.dtype and got.shape == ref.shape
    scale = max(np.abs(ref).max(), 1e-300)
    assert np.abs(got - ref).max() <= fft_tol(n, ref.dtype, factor=16) * scale


# Chunks along the batch axes only, along the transformed axes only, and both.
CHUNKINGS = {"batch": (2, 40, 18), "transformed": (6, 15, 7), "both": (4, 13, 5)}


@pytest.mark.parametrize("fn", FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("chunking", sorted(CHUNKINGS))
@pytest.mark.parametrize("axis", [-1, 1, (1, 2)], ids=str)
def test_equals_numpy_and_keeps_chunks(fn, kind, chunking, axis, rng):
    x = rng.standard_normal((6, 40, 18))
    lazy_in = da.from_array(x, chunks=CHUNKINGS[chunking])
    y = fn(lazy_in, ALPHA, axis, kind=kind)
    assert y.chunks == lazy_in.chunks and y.dtype == x.dtype
    _assert_matches(y, fn(x, ALPHA, axis, kind=kind), 40)


@pytest.mark.parametrize("chunking", sorted(CHUNKINGS))
@pytest.mark.parametrize("axes", [None, (0, 2), 1], ids=str)
def test_fractional_laplacian(chunking, axes, rng):
    x = rng.standard_normal((6, 40, 18))
    lazy_in = da.from_array(x, chunks=CHUNKINGS[chunking])
    y = fracfft.fractional_laplacian(lazy_in, 0.35, axes, dx=0.1)
    assert y.chunks == lazy_in.chunks
    _assert_matches(y, fracfft.fractional_laplacian(x, 0.35, axes, dx=0.1), 40)


@pytest.mark.parametrize("dtype", [np.float32, np.complex64, np.complex128, np.int32])
@pytest.mark.parametrize("method", ["auto", "fft"])
def test_dtypes_follow_the_numpy_rules(dtype, method, rng):
    x = (10 * rng.standard_normal((5, 33))).astype(dtype)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal((5, 33)).astype(dtype)
    ref = fracfft.derivative(x, ALPHA, kind="riesz", dx=0.5, method=method)
    y = fracfft.derivative(da.from_array(x, chunks=(2, 11)), ALPHA, kind="riesz", dx=0.5,
                           method=method)
    assert y.dtype == ref.dtype
    _assert_matches(y, ref, 33)


@pytest.mark.parametrize("fn", FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("as_dask", [False, True])
def test_per_channel_alpha_is_split_with_the_blocks(fn, as_dask, rng):
    x = rng.standard_normal((6, 5, 24))
    alpha = rng.uniform(0.2, 1.0, (6, 5, 1))
    a = da.from_array(alpha, chunks=(4, 2, 1)) if as_dask else alpha
    lazy_in = da.from_array(x, chunks=(3, 2, 10))
    y = fn(lazy_in, a, -1, kind="weyl")
    assert y.chunks == lazy_in.chunks
    _assert_matches(y, fn(x, alpha, -1, kind="weyl"), 24)
    # A per-row alpha broadcast along the middle axis.
    y = fn(lazy_in, alpha[:, :1, :], (1, 2), kind="riesz")
    _assert_matches(y, fn(x, alpha[:, :1, :], (1, 2), kind="riesz"), 24)


def _counting_source(shape, chunks, seed):
    """A dask array whose blocks are made by a function that counts its calls."""
    calls = []
    lock = threading.Lock()

    def make(block_info=None):
        with lock:
            calls.append(block_info[None]["chunk-location"])
        loc = block_info[None]["array-location"]
        rows = np.arange(*loc[0])[:, None]
        cols = np.arange(*loc[1])[None, :]
        return np.sin(0.3 * rows + 0.7 * cols + seed)

    arr = da.map_blocks(make, chunks=chunks, dtype=np.float64, meta=np.empty((0, 0)))
    assert arr.shape == shape
    return arr, calls


@pytest.mark.parametrize("fn", [*FUNCS, fracfft.fractional_laplacian],
                         ids=lambda f: f.__name__)
def test_nothing_is_computed_before_compute(fn):
    src, calls = _counting_source((8, 30), ((4, 4), (10, 10, 10)), 0.0)
    y = fn(src, 0.6, -1)
    assert isinstance(y, da.Array) and calls == []
    assert y.chunks == src.chunks
    got = y.compute(scheduler="synchronous")
    assert len(calls) == src.npartitions
    rows, cols = np.meshgrid(np.arange(8), np.arange(30), indexing="ij")
    ref = fn(np.sin(0.3 * rows + 0.7 * cols), 0.6, -1)
    np.testing.assert_allclose(got, ref, rtol=0, atol=fft_tol(30, factor=16) * np.abs(ref).max())


def test_bad_arguments_raise_when_the_graph_is_built():
    src, calls = _counting_source((8, 30), ((4, 4), (10, 10, 10)), 0.0)
    with pytest.raises(ValueError, match="kind"):
        fracfft.derivative(src, 0.5, kind="nope")
    with pytest.raises(ValueError, match="alpha"):
        fracfft.derivative(src, np.inf)
    with pytest.raises(ValueError, match="alpha"):
        fracfft.derivative(src, np.ones((8, 30)))
    with pytest.raises(ValueError, match="alpha"):
        fracfft.derivative(src, np.ones((3, 1)))
    bad = np.full((8, 1), 0.5)
    bad[6, 0] = np.nan  # every entry of a NumPy array of orders is checked up front
    with pytest.raises(ValueError, match="alpha"):
        fracfft.derivative(src, bad)
    with pytest.raises(ValueError, match="dx"):
        fracfft.derivative(src, 0.5, dx=-1.0)
    with pytest.raises(ValueError, match="^s "):
        fracfft.fractional_laplacian(src, np.nan)
    with pytest.raises(np.exceptions.AxisError):
        fracfft.derivative(src, 0.5, axis=2)
    with pytest.raises(ValueError, match="method"):
        fracfft.derivative(src, 0.5, method="dct")
    with pytest.raises(TypeError, match="dtype"):
        fracfft.derivative(da.from_array(np.array(["a", "b"])), 0.5)
    assert calls == []


def test_whole_lines_never_gather_the_array(rng):
    # A transformed axis split into 8 chunks: the whole-line blocks split the batch axis finer,
    # so no task result is bigger than the larger of the input's chunks and dask's chunk-size.
    from dask.callbacks import Callback

    # Made block by block (from_array would hold the whole array in one task).
    lazy_in = da.random.default_rng(7).standard_normal((64, 4096), chunks=(64, 512))
    x = lazy_in.compute()  # 2 MiB in all, chunks of 256 KiB
    with dask.config.set({"array.chunk-size": "512KiB"}):
        y = fracfft.derivative(lazy_in, 0.5)
    assert y.chunks == lazy_in.chunks
    sizes = []

    class Record(Callback):
        def _posttask(self, key, result, dsk, state, worker_id):
            if isinstance(key, tuple):  # array blocks; not the final concatenation
                sizes.append(getattr(result, "nbytes", 0))

    with Record():
        got = y.compute(scheduler="synchronous")
    assert 0 < max(sizes) <= 512 * 1024
    ref = fracfft.derivative(x, 0.5)
    assert np.abs(got - ref).max() <= fft_tol(4096, factor=16) * np.abs(ref).max()


def test_distributed_local_cluster(rng):
    distributed = pytest.importorskip("distributed", reason="pip install fracfft[dask]")
    x = rng.standard_normal((12, 96))
    alpha = rng.uniform(0.2, 1.2, (12, 1))
    lazy_in = da.from_array(x, chunks=(3, 32))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            ys = [fracfft.derivative(lazy_in, alpha, kind="riesz", dx=0.3),
                  fracfft.derivative_dalpha(lazy_in, 0.8),
                  fracfft.fractional_laplacian(lazy_in, 0.4, -1)]
            got = client.compute(ys, sync=True)
    refs = [fracfft.derivative(x, alpha, kind="riesz", dx=0.3),
            fracfft.derivative_dalpha(x, 0.8),
            fracfft.fractional_laplacian(x, 0.4, -1)]
    for g, r in zip(got, refs):
        assert g.shape == r.shape and g.dtype == r.dtype
        assert np.abs(g - r).max() <= fft_tol(96, factor=16) * np.abs(r).max()


def test_import_fracfft_does_not_import_dask():
    code = ("import sys, fracfft; bad = [m for m in ('dask', 'xarray', 'mpi4py', 'mpi4py_fft', "
            "'distributed') if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_example_runs():
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, str(root / "examples" / "dask_batch.py"), "--rows",
                           "48", "--n", "512", "--chunk-rows", "16", "--scheduler",
                           "synchronous"], capture_output=True, text=True, cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr
    error = float(proc.stdout.split("first block")[1])
    assert error <= fft_tol(512, factor=16)
