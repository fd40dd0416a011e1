"""The README's Python examples run as written, and say what they claim."""

import pathlib
import re

import numpy as np
import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_numpy_and_torch_examples():
    assert len(BLOCKS) == 2


def test_numpy_example():
    scope = {}
    exec(BLOCKS[0], scope)  # noqa: S102 - our own README
    k, t = scope["k"], scope["t"]
    np.testing.assert_allclose(scope["y"], k**0.5 * np.sin(k * t + np.pi / 4), atol=1e-12)
    np.testing.assert_allclose(scope["r"], -(k**1.3) * np.sin(k * t), atol=1e-11)
    np.testing.assert_allclose(scope["y2"], scope["y"], atol=1e-13)
    assert scope["lap"].shape == scope["u"].shape == scope["per_channel"].shape


def test_torch_example():
    pytest.importorskip("torch")
    scope = {}
    exec(BLOCKS[1], scope)  # noqa: S102 - our own README
    assert scope["x"].grad is not None and scope["alpha"].rho.grad is not None
