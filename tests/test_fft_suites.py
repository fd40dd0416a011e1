"""numpy's and scipy's own FFT test suites, run against the manual FFT.

numpy's ``numpy/fft/tests/test_pocketfft.py`` runs with numpy.fft's functions (in ``numpy.fft``
and in ``numpy.fft._pocketfft``, so ``hfft`` / ``ihfft`` go through them too) replaced by
``fracfft.fft.*(..., backend="manual")``; scipy's ``scipy/fft/tests/test_basic.py`` runs with
``fracfft.fft.manual_backend`` as scipy.fft's global backend (scipy's own backend registered
behind it for the functions the manual FFT does not provide: hfft, dct, ...). Each suite runs
in a fresh interpreter (the patches must be in place when pytest collects the module), and
every failure must be one of the named, explained exceptions below.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NUMPY_EXPECTED: dict[str, str] = {}
SCIPY_EXPECTED: dict[str, str] = {}

_RUNNER = textwrap.dedent(
    """
    import functools, json, os, sys

    SUITE = os.environ["FRACFFT_SUITE"]
    calls = [0]

    def _count(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            calls[0] += 1
            return fn(*args, **kwargs)
        return inner

    # At import, also in multiprocessing children that re-import this module (forkserver).
    if SUITE == "numpy":
        import numpy.fft
        import numpy.fft._pocketfft as pocketfft
        import fracfft.fft

        for name in ("fft", "ifft", "rfft", "irfft", "fftn", "ifftn", "rfftn", "irfftn",
                     "fft2", "ifft2", "rfft2", "irfft2"):
            ours = functools.partial(getattr(fracfft.fft, name), backend="manual")
            patched = _count(functools.wraps(getattr(fracfft.fft, name))(ours))
            setattr(numpy.fft, name, patched)
            setattr(pocketfft, name, patched)
    else:
        import scipy.fft
        import fracfft.fft
        from fracfft.fft import _uarray

        _uarray._dispatch = _count(_uarray._dispatch)
        scipy.fft.set_global_backend(fracfft.fft.manual_backend)
        scipy.fft.register_backend("scipy")  # serves what the manual backend declines

    class Record:
        def __init__(self):
            self.failed, self.errors, self.passed = [], [], 0

        def pytest_collectreport(self, report):
            if report.failed:
                self.errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

        def pytest_runtest_logreport(self, report):
            if report.failed:
                self.failed.append(report.nodeid)
            elif report.passed and report.when == "call":
                self.passed += 1

    if __name__ == "__main__":
        import pytest

        rec = Record()
        pytest.main(sys.argv[1:], plugins=[rec])
        with open(os.environ["FRACFFT_SUITE_REPORT"], "w") as fh:
            json.dump({"failed": rec.failed, "errors": rec.errors, "passed": rec.passed,
                       "calls": calls[0]}, fh)
    """
)


def _run_suite(tmp_path, suite, args):
    runner = tmp_path / "run_suite.py"
    runner.write_text(_RUNNER)
    report = tmp_path / "report.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["FRACFFT_SUITE"] = suite
    env["FRACFFT_SUITE_REPORT"] = str(report)
    proc = subprocess.run(
        [sys.executable, str(runner), "-q", "-p", "no:cacheprovider", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert report.exists(), proc.stdout[-4000:] + proc.stderr[-4000:]
    return json.loads(report.read_text()), proc.stdout[-6000:]


def _unexpected(failed, expected):
    return [f for f in failed if not any(f.endswith(key) for key in expected)]


def _installed_test(module):
    try:
        spec = importlib.util.find_spec(module)
    except ImportError:
        spec = None
    if spec is None or spec.origin is None:
        pytest.skip(f"the installed package does not ship its tests ({module})")
    return spec.origin


def test_numpy_fft_suite_on_manual(tmp_path):
    if int(np.__version__.split(".")[0]) < 2:
        pytest.skip(f"numpy {np.__version__}'s fft tests check numpy 1's API (no out=, other "
                    "s rules); fracfft.fft follows numpy 2's")
    path = _installed_test("numpy.fft.tests.test_pocketfft")
    # --noconftest: numpy's conftest needs hypothesis, which this test file does not use.
    result, tail = _run_suite(tmp_path, "numpy", ["--noconftest", path])
    assert not result["errors"], result["errors"]
    assert result["calls"] > 1000, "numpy.fft was not routed to fracfft.fft"
    assert result["passed"] >= 100, tail
    assert _unexpected(result["failed"], NUMPY_EXPECTED) == [], tail


def test_scipy_fft_suite_on_manual_backend(tmp_path):
    scipy = pytest.importorskip("scipy")
    path = _installed_test("scipy.fft.tests.test_basic")
    result, tail = _run_suite(tmp_path, "scipy", [path])
    if result["errors"] and tuple(map(int, scipy.__version__.split(".")[:2])) < (1, 14):
        pytest.skip(f"scipy {scipy.__version__}'s test_basic.py does not collect here: "
                    f"{result['errors'][0][-300:]}")
    assert not result["errors"], result["errors"]
    assert result["calls"] > 500, "scipy.fft did not reach the manual backend"
    assert result["passed"] >= 150, tail
    assert _unexpected(result["failed"], SCIPY_EXPECTED) == [], tail
