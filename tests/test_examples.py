"""Examples are tests: every ``examples/*.py`` runs at small size, and the PDE example's
linear part is checked against the exact solution of fractional diffusion."""

import importlib.util
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
EPS = np.finfo(np.float64).eps


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_at_small_size(path, tmp_path):
    env = {**os.environ, "FRACFFT_EXAMPLE_SMALL": "1", "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        # An example for an optional extra (torch, dask, ...) is skipped only when that package
        # is really not installed; any other failure is a failure.
        missing = re.search(r"ModuleNotFoundError: No module named '([\w.]+)'", proc.stderr)
        if missing:
            top = missing.group(1).split(".")[0]
            if top != "fracfft" and importlib.util.find_spec(top) is None:
                pytest.skip(f"{path.name} needs {top!r}, not installed")
        pytest.fail(f"{path.name} exited with {proc.returncode}:\n{proc.stderr[-3000:]}")


@pytest.fixture(scope="module")
def allen_cahn():
    return load("plot_fractional_allen_cahn")


def cosine_modes(shape, length, modes, t, eps, s):
    """Sum of a*cos(k.x + p) with its exact fractional diffusion decay exp(-eps^2 t |k|^(2s))."""
    y, x = np.meshgrid(*(length * np.arange(n) / n for n in shape), indexing="ij")
    u = np.zeros(shape)
    for my, mx, a, p in modes:
        ky, kx = 2 * np.pi * my / length, 2 * np.pi * mx / length
        decay = math.exp(-(eps**2) * t * math.hypot(ky, kx) ** (2 * s)) if (my or mx) else 1.0
        u += a * decay * np.cos(ky * y + kx * x + p)
    return u


@pytest.mark.parametrize("s", [0.3, 0.5, 0.85, 1.0])
def test_linear_part_is_exact_fractional_diffusion(allen_cahn, s):
    shape, length, eps, dt, steps = (24, 30), 3.0, 0.4, 0.05, 20
    # Modes strictly inside the grid (no Nyquist), the mean, several directions and radii.
    modes = [(0, 0, 0.7, 0.0), (1, 0, 1.0, 0.3), (0, 3, -0.5, 1.1), (2, -5, 0.8, -0.4),
             (5, 7, 0.3, 2.0), (-11, 14, 0.2, 0.5)]
    u = cosine_modes(shape, length, modes, 0.0, eps, s)
    step = allen_cahn.etd1_stepper(shape, s, dt, eps=eps, length=length, reaction=False)
    for _ in range(steps):
        u = step(u)
    exact = cosine_modes(shape, length, modes, steps * dt, eps, s)
    err = np.linalg.norm(u - exact) / np.linalg.norm(exact)
    # Round-off only: two transforms per step, each ~eps*sqrt(log2 n) relative.
    assert err <= 8 * steps * EPS * math.sqrt(math.log2(max(shape)))
    # The slowest mode must really have decayed: a wrong sign or power would not match.
    assert np.linalg.norm(exact - cosine_modes(shape, length, modes, 0.0, eps, s)) > 1e-3


def test_reaction_step_against_a_direct_formula(allen_cahn):
    """One ETD1 step equals exp(dt L) u + dt phi1(dt L) N(u), written bin by bin here."""
    shape, length, s, dt, eps, kappa = (16, 20), 2 * np.pi, 0.6, 0.1, 0.2, 2.0
    u = 0.5 * np.random.default_rng(3).uniform(-1, 1, shape)
    ky = 2 * np.pi * np.fft.fftfreq(shape[0], length / shape[0])
    kx = 2 * np.pi * np.fft.fftfreq(shape[1], length / shape[1])
    lam = -(eps**2) * np.hypot(ky[:, None], kx[None, :]) ** (2 * s) - kappa
    nonlin = (1 + kappa) * u - u**3
    direct = np.fft.ifft2(np.exp(dt * lam) * np.fft.fft2(u)
                          + np.expm1(dt * lam) / lam * np.fft.fft2(nonlin)).real
    got = allen_cahn.etd1_stepper(shape, s, dt, eps=eps, kappa=kappa, length=length)(u)
    assert np.linalg.norm(got - direct) <= 32 * EPS * np.linalg.norm(direct)


def test_energy_decreases_and_phases_separate(allen_cahn):
    u, (_, energy) = allen_cahn.simulate(0.7, n=32, t_end=6.0)
    assert np.all(np.diff(energy) <= 1e-12 * abs(energy[0]))
    assert energy[-1] < 0.5 * energy[0]
    # Both phases reached. The continuous equation keeps |u| <= 1 (maximum principle); a Fourier
    # discretisation has no discrete maximum principle, so only a small overshoot is allowed.
    assert 0.9 < np.abs(u).max() <= 1.05


def test_phi1(allen_cahn):
    z = np.array([0.0, -1e-12, -1e-3, -1.0, -50.0])
    taylor = 1 - 5e-4 + 1e-6 / 6 - 1e-9 / 24 + 1e-12 / 120  # at z = -1e-3
    ref = np.array([1.0, 1 - 0.5e-12, taylor, 1 - math.exp(-1),
                    (1 - math.exp(-50)) / 50])
    np.testing.assert_allclose(allen_cahn.phi1(z), ref, rtol=4 * EPS)
