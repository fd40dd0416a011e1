"""The manual backend after the parent used it: fork/spawn/forkserver pools, torch DataLoader
workers, scipy.fft's own multiprocessing scenario, and 16 threads at once.

Each scenario runs in a fresh interpreter with a timeout, so a hang (GNU OpenMP refuses to run
in a forked child and the pool never returns) fails the test instead of blocking the run.
Results in children must equal the parent's bit for bit: same kernels, same plans, same input.
"""

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import HOST_BACKENDS

pytestmark = pytest.mark.skipif("manual" not in HOST_BACKENDS, reason="numba not installed")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 300  # cold Numba cache: the parent compiles, spawn children load the cache

# The parent computes manual-backend derivatives (float64 and float32, rfft and fft, with two
# worker threads), so everything a child could inherit is in place before the pool starts.
PRELUDE = textwrap.dedent("""
    import numpy as np
    import fracfft

    X = np.random.default_rng(0).standard_normal((64, 4096))

    def work(i):
        x = X[i % 8 : i % 8 + 4]
        return (fracfft.derivative(x, 0.5, backend="manual", workers=2),
                fracfft.derivative(x.astype(np.float32), 1.3, kind="riesz", method="fft",
                                   backend="manual"),
                fracfft.derivative(x[:, :1000], 0.7, backend="manual"))

    def same(got, want):
        return all(np.array_equal(g, w) and g.dtype == w.dtype for g, w in zip(got, want))
""")


def run(code, tmp_path):
    script = tmp_path / "scenario.py"
    script.write_text(PRELUDE + textwrap.dedent(code))
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        res = subprocess.run([sys.executable, "-W", "error", str(script)], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr
        pytest.fail(f"scenario hung for {TIMEOUT} s; stderr: {err}")
    assert res.returncode == 0 and res.stdout.strip().endswith("OK"), res.stdout + res.stderr
    assert "unsafe" not in res.stderr, res.stderr


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_pool_after_parent_used_manual(tmp_path, method):
    run(f"""
        import multiprocessing as mp
        if __name__ == "__main__":
            # The parent's results, computed before the pool starts.
            want = [work(i) for i in range(8)]
            # A bigger batch, so two threads really run in the parent before the fork.
            big = fracfft.derivative(X, 0.5, backend="manual", workers=2)
            with mp.get_context({method!r}).Pool(2) as pool:
                got = pool.map(work, range(8))
            assert all(same(g, w) for g, w in zip(got, want))
            # And the parent still works after its children.
            assert np.array_equal(fracfft.derivative(X, 0.5, backend="manual", workers=2), big)
            print("OK")
    """, tmp_path)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch not installed")
def test_torch_dataloader_fork_workers(tmp_path):
    run("""
        import torch
        from torch.utils.data import DataLoader, Dataset

        class Rows(Dataset):
            def __len__(self):
                return 8

            def __getitem__(self, i):
                return i, work(i)[0]

        if __name__ == "__main__":
            want = [work(i)[0] for i in range(8)]
            loader = DataLoader(Rows(), batch_size=None, num_workers=2,
                                multiprocessing_context="fork")
            seen = 0
            for i, got in loader:
                assert np.array_equal(np.asarray(got), want[int(i)]), int(i)
                seen += 1
            assert seen == 8
            print("OK")
    """, tmp_path)


def test_scipy_fft_multiprocess_with_manual_backend(tmp_path):
    # scipy.fft's own test_multiprocess scenario (threads before and after a fork pool), served
    # by the manual backend.
    run("""
        import multiprocessing as mp
        import scipy.fft
        from fracfft.fft import manual_backend

        def mt_fft(x):
            return scipy.fft.fft(x, workers=2)

        if __name__ == "__main__":
            scipy.fft.set_global_backend(manual_backend)
            x = np.random.default_rng(1).standard_normal((8, 1000)) + 0j
            expect = scipy.fft.fft(x, workers=2)
            with mp.get_context("fork").Pool(2) as pool:
                res = pool.map(mt_fft, [x for _ in range(4)])
            for r in res:
                assert np.array_equal(r, expect)
            assert np.array_equal(scipy.fft.fft(x, workers=2), expect)
            # Served by the manual FFT, not scipy's pocketfft: same values to rounding.
            ref = np.fft.fft(x)
            assert np.abs(expect - ref).max() <= 1e-12 * np.abs(ref).max()
            print("OK")
    """, tmp_path)


def test_sixteen_threads_match_one(tmp_path):
    run("""
        from concurrent.futures import ThreadPoolExecutor

        if __name__ == "__main__":
            want = [work(i) for i in range(32)]
            with ThreadPoolExecutor(16) as ex:
                got = list(ex.map(work, range(32)))
            assert all(same(g, w) for g, w in zip(got, want))
            print("OK")
    """, tmp_path)
