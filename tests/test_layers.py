"""fracfft's modules import downwards only (issue 8).

Every module of the package is placed in a layer; a module may import modules of its own
layer or of a lower one, never of a higher one. The imports are read from the source (every
``import`` / ``from ... import`` statement, including those inside functions, which is where
the lazy ones are), so a lazy import of something above is caught as well. A new module must
be given a layer here.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "fracfft"

# Lowest first. Within the FFT layer, fracfft.fft.* may import each other; the device seam
# stands on the FFT layer (it calls the manual FFT's CUDA launchers) and under the core.
LAYERS = [
    ("base", {"fracfft._compat", "fracfft._validate", "fracfft._cache", "fracfft._timing",
              "fracfft._baseline", "fracfft.fft._backends"}),
    ("fft", {"fracfft.fft", "fracfft.fft.*", "fracfft.fft.manual", "fracfft.fft.manual.*"}),
    ("rules", {"fracfft.symbols", "fracfft.causal", "fracfft._causal_kernels"}),
    ("device", {"fracfft._device", "fracfft._causal_cuda"}),
    ("core", {"fracfft._core"}),
    ("api", {"fracfft.derivative", "fracfft._dlpack", "fracfft._dask", "fracfft.mpi"}),
    ("bridges", {"fracfft.torch", "fracfft.xarray", "fracfft", "fracfft.__main__"}),
]


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(name: str):
    for i, (_, members) in enumerate(LAYERS):
        for m in members:
            if name == m or (m.endswith(".*") and name.startswith(m[:-1])):
                return i
    return None


def _fracfft_imports(path: pathlib.Path, name: str, source=None):
    """Yield the fracfft modules ``path`` imports (``from . import x`` counts as ``pkg.x``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    source = path.read_text() if source is None else source
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "fracfft":
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "fracfft":
                continue
            for alias in node.names:
                # "from pkg import sub" names a submodule when one exists by that name
                sub = f"{module}.{alias.name}"
                candidates = [PACKAGE.parent / (sub.replace(".", "/") + ".py"),
                              PACKAGE.parent / sub.replace(".", "/") / "__init__.py"]
                yield sub if any(c.exists() for c in candidates) else module


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    missing = [_module_name(p) for p in MODULES if _layer(_module_name(p)) is None]
    assert missing == [], f"give these modules a layer in tests/test_layers.py: {missing}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_imports_go_downwards(path):
    name = _module_name(path)
    own = _layer(name)
    upward = []
    for target in _fracfft_imports(path, name):
        layer = _layer(target)
        if layer is not None and own is not None and layer > own:
            upward.append(f"{target} ({LAYERS[layer][0]})")
    assert upward == [], f"{name} ({LAYERS[own][0]}) imports from above: {upward}"


def test_the_check_sees_an_upward_import():
    """The reader resolves relative imports: a core import from the fft layer is caught."""
    fake = PACKAGE / "fft" / "_registry.py"
    source = "def f():\n    from .._core import make_plan\nfrom . import _backends\n"
    found = list(_fracfft_imports(fake, "fracfft.fft._registry", source))
    assert sorted(found) == ["fracfft._core", "fracfft.fft._backends"]
    assert _layer("fracfft._core") > _layer("fracfft.fft._registry")
