"""fracfft.mpi on mpi4py-fft (SPEC §6): 1, 2 and 4 ranks against serial fracfft.

The checks themselves are in ``mpi_check.py``, run under ``mpiexec`` in a subprocess: slab
decompositions on two axes, a (2, 2) pencil on 4 ranks, sizes that do not divide evenly,
r2c and c2c, the adjoint identity with allreduced inner products and alpha_gradient equal on
every rank and to the serial value. mpich's launcher runs 4 ranks on 2 cores (oversubscribed).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mpi4py", reason="mpi4py is not installed (pip install fracfft[mpi])")
pytest.importorskip("mpi4py_fft", reason="mpi4py-fft is not installed (see docs/scaling.rst)")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def mpiexec():
    found = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which(
        "mpiexec")
    if found is None:
        pytest.skip("no mpiexec found (pip install mpich)")
    return found


def run_mpi(nprocs, script, *args, timeout=600):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    # Single-threaded ranks: P ranks share the 2 cores of the CI machine.
    env.update(OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1")
    cmd = [mpiexec(), "-n", str(nprocs), sys.executable, str(script), *map(str, args)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=str(ROOT))


@pytest.mark.parametrize("nprocs", [1, 2, 4])
def test_distributed_equals_serial(nprocs):
    proc = run_mpi(nprocs, HERE / "mpi_check.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"OK {nprocs} ranks" in proc.stdout


def test_mpi_example_runs():
    proc = run_mpi(2, ROOT / "examples" / "mpi_laplacian.py", "--n", "24")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "max error" in proc.stdout


def test_docstring_examples_run(tmp_path):
    script = tmp_path / "doctests.py"
    script.write_text("import doctest, fracfft.mpi\n"
                      "r = doctest.testmod(fracfft.mpi)\n"
                      "assert r.attempted > 0 and r.failed == 0, r\n"
                      "print('doctests passed')\n")
    proc = run_mpi(1, script)
    assert proc.returncode == 0 and "doctests passed" in proc.stdout, proc.stdout + proc.stderr
