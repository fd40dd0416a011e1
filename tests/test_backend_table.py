"""The backend table (fracfft/fft/_backends.py): the one list of backends, its hints and rules."""

import configparser
import importlib
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import fracfft
from fracfft.fft import _backends, _registry

from conftest import MISSABLE, hide_backend

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _extras():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return set(cfg["options.extras_require"])


def test_every_extra_a_hint_names_is_declared():
    extras = _extras()
    for b in _backends.TABLE:
        for extra in (b.extra, b.device_extra):
            assert extra is None or extra in extras, (b.name, extra)
        hint = _backends.install_hint(b.name)
        assert hint.startswith("pip install ")
        if b.extra:
            assert f"pip install fracfft[{b.extra}]" in hint
    assert _backends.install_hint("manual", device=True) == "pip install fracfft[cuda]"


def test_registry_and_public_names_come_from_the_table():
    names = tuple(b.name for b in _backends.TABLE)
    assert _registry.BACKENDS == fracfft.fft.BACKENDS == ("auto", *names)
    assert _registry.HOST_CHAIN == ("scipy", "numpy", "manual")
    assert _registry.DEVICE_CHAIN == ("cupy", "manual")
    for chain, serves in ((_backends.HOST_CHAIN, "host"), (_backends.DEVICE_CHAIN, "device")):
        assert all(getattr(_backends.BY_NAME[n], serves) for n in chain)
    assert set(_backends.HOST) == {b.name for b in _backends.TABLE if b.host}
    assert "cupy" not in _backends.HOST


def test_every_record_points_at_an_adapter():
    for b in _backends.TABLE:
        module = importlib.import_module(b.module)
        adapter = module if b.attr is None else getattr(module, b.attr)
        assert adapter.NAME == b.name
        assert adapter.EXTRA == b.extra
        for op in ("load", "c2c", "r2c", "c2r"):
            assert callable(getattr(adapter, op)), (b.name, op)


def test_pyfftw_loads_before_mkl_fft():
    order = _backends.load_order()
    assert sorted(order) == sorted(_backends.BY_NAME)
    assert order.index("fftw") < order.index("mkl")
    assert _backends.load_order(["mkl", "scipy", "fftw"]) == ["scipy", "fftw", "mkl"]
    assert _backends.load_order(["mkl"]) == ["mkl"]


def test_every_backend_behind_an_extra_is_tested_missing():
    assert [name for name, _ in MISSABLE] == [b.name for b in _backends.TABLE if b.extra]


@pytest.mark.parametrize("name,module", MISSABLE)
def test_install_hint_said_once(name, module, monkeypatch):
    hide_backend(monkeypatch, name, module)
    record = _backends.BY_NAME[name]
    with pytest.raises(ImportError) as info:
        fracfft.fft.fft(np.ones(8), backend=name)
    text = str(info.value)
    assert text.count(_backends.install_hint(name)) == 1
    assert text.count(f"fracfft[{record.extra}]") == 1


def test_importing_the_table_imports_nothing_heavy():
    path = str(ROOT / "fracfft" / "fft" / "_backends.py")
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('table', {path!r})\n"
        "m = sys.modules['table'] = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(m)\n"
        "heavy = [k for k in ('numpy', 'scipy', 'numba', 'torch', 'cupy') if k in sys.modules]\n"
        "assert not heavy, heavy\n"
        "print(len(m.TABLE))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == str(len(_backends.TABLE))
