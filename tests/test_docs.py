"""The documentation: its code runs, every public name has a tested example, it builds offline.

* Every ``.. code-block:: python`` of ``docs/*.rst`` runs, page by page in a fresh interpreter
  (the blocks of a page share one namespace, in order, as a reader would type them), with
  warnings as errors. Blocks marked ``:class: needs-gpu`` run only where a GPU is usable,
  ``:class: needs-<module>`` only where that module is installed; ``:class: no-test`` marks
  an excerpt of a file that is run elsewhere.
* Every public callable of ``fracfft``, ``fracfft.fft``, ``fracfft.fft.manual`` and
  ``fracfft.torch`` has an Examples section, and its examples pass as doctests.
* The HTML build (``sphinx-build -W``) succeeds and loads no script or stylesheet from outside
  the built site, so the pages and their formulas render offline.
"""

import doctest
import importlib
import inspect
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# A block at any indentation (also inside a list item): its options and body are indented
# three more spaces than the directive.
BLOCK = re.compile(r"^( *)\.\. code-block:: python\n((?:\1   :[\w-]+:.*\n)*)\n"
                   r"((?:\1   .*\n|[ \t]*\n)+)", flags=re.M)


def python_blocks(path):
    """``(options, code)`` of each python code block of an .rst file, code dedented."""
    return [(opts, textwrap.dedent(code))
            for _, opts, code in BLOCK.findall(path.read_text())]


PAGES = sorted(p for p in DOCS.glob("*.rst") if python_blocks(p))


def _gpu_usable():
    try:
        import cupy  # noqa: F401
        from numba import cuda
    except Exception:  # noqa: BLE001 - any import problem means no GPU here
        return False
    return cuda.is_available()


def test_block_extraction_finds_the_known_blocks():
    # Guards the regular expression: the pages below have python blocks, and a block is code.
    names = {p.name for p in PAGES}
    assert {"getting_started.rst", "torch.rst", "numpy.rst", "backends.rst"} <= names
    blocks = python_blocks(DOCS / "getting_started.rst")
    assert any("fracfft.derivative(x, 0.5, dx=dx)" in code for _, code in blocks)
    assert all(not code.startswith(" ") for _, code in blocks)
    nested = python_blocks(DOCS / "guide_nonperiodic.rst")  # one inside a list item
    assert any('kind="caputo"' in code and not code.startswith(" ") for _, code in nested)


def _runnable(opts):
    """False for a block marked ``:class: needs-gpu`` (without a GPU) or ``needs-<module>``
    (without that module, e.g. a third-party package a migration guide compares with)."""
    for need in re.findall(r"needs-([\w]+)", opts):
        if need == "gpu" and not _gpu_usable():
            return False
        if need != "gpu" and importlib.util.find_spec(need) is None:
            return False
    return True


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_docs_code_blocks_run(page, tmp_path):
    # ``:class: no-test`` marks an excerpt of a file that runs elsewhere (e.g. an example).
    blocks = [(opts, code) for opts, code in python_blocks(page) if "no-test" not in opts]
    run = [code for opts, code in blocks if _runnable(opts)]
    if not run:
        pytest.skip(f"{page.name}: every python block needs a GPU")
    if "torch" in "".join(run):
        pytest.importorskip("torch")
    script = tmp_path / f"docs_page_{page.stem}.py"  # not numpy.py: that would shadow numpy
    script.write_text("\n\n".join(run))
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    # torch's forward mode scripts its decompositions on first use, which torch itself warns of
    quiet = "ignore:`torch.jit.script` is deprecated:DeprecationWarning"
    proc = subprocess.run([sys.executable, "-W", "error", "-W", quiet, str(script)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{page.name}:\n{proc.stdout}\n{proc.stderr}"


def _public():
    """``(qualified name, object)`` for every name in the public modules' ``__all__``."""
    out = []
    for modname in ("fracfft", "fracfft.fft", "fracfft.fft.manual", "fracfft.torch"):
        if modname == "fracfft.torch" and importlib.util.find_spec("torch") is None:
            continue
        module = importlib.import_module(modname)
        out += [(f"{modname}.{name}", getattr(module, name)) for name in module.__all__]
    return out


PUBLIC = _public()
CALLABLES = [(name, obj) for name, obj in PUBLIC if callable(obj) or name.endswith("_backend")]


def _doc(obj):
    # An instance (fracfft.fft.manual_backend) is documented by its class.
    return inspect.getdoc(obj if callable(obj) else type(obj)) or ""


def test_public_names_are_found():
    names = {name for name, _ in CALLABLES}
    assert {"fracfft.derivative", "fracfft.fft.rfft", "fracfft.set_fft_backend",
            "fracfft.fft.manual_backend", "fracfft.fft.manual.c2c_1d"} <= names
    assert len(names) >= (21 if importlib.util.find_spec("torch") else 17)


@pytest.mark.parametrize(("name", "obj"), CALLABLES, ids=[n for n, _ in CALLABLES])
def test_public_docstring_sections(name, obj):
    doc = _doc(obj)
    sections = set(re.findall(r"^(\w[\w ]*)\n-{3,}$", doc, flags=re.M))
    assert "Examples" in sections, f"{name} has no Examples section"
    assert ">>>" in doc.split("Examples\n--------", 1)[1]
    assert "SPEC" not in doc and "fracfft._" not in doc and "manual._" not in doc
    target = obj.py_func if hasattr(obj, "py_func") else obj  # a Numba dispatcher
    if callable(obj) and not inspect.isclass(obj):
        params = [p for p in inspect.signature(target).parameters if p not in ("self",)]
        if params:
            assert "Parameters" in sections, f"{name} has no Parameters section"


@pytest.mark.parametrize(("name", "obj"), CALLABLES, ids=[n for n, _ in CALLABLES])
def test_public_docstring_examples_run(name, obj):
    doc = _doc(obj)
    test = doctest.DocTestParser().get_doctest(doc, {"np": np}, name, None, 0)
    assert test.examples, f"{name}: no doctest examples"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    import fracfft

    with fracfft.set_fft_backend("auto"):  # the examples assume the default selection
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} doctest example(s) failed"


# ---------------------------------------------------------------------------------------------
# The HTML build
# ---------------------------------------------------------------------------------------------

EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


def test_external_reference_pattern():
    # The pattern used on the build must catch what the CDN versions of MathJax load.
    assert EXTERNAL.search('<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex.js">')
    assert EXTERNAL.search("<link rel='stylesheet' href='//cdn.example.org/a.css'>")
    assert not EXTERNAL.search('<script src="_static/mathjax/tex-chtml.js"></script>')
    assert not EXTERNAL.search('<a href="https://numpy.org">numpy</a>')


@pytest.fixture(scope="module")
def built_html(tmp_path_factory):
    """Build the HTML docs once (warnings are errors); ``FRACFFT_DOCS_HTML`` reuses a build."""
    given = os.environ.get("FRACFFT_DOCS_HTML")
    if given:
        return pathlib.Path(given)
    for ext in ("sphinx", "numpydoc", "pydata_sphinx_theme", "sphinx_gallery", "sphinx_copybutton",
                "sphinx-mathjax-offline", "matplotlib", "torch"):
        pytest.importorskip(ext, reason=f"the docs build needs {ext} (pip install -e '.[docs]')")
    out = tmp_path_factory.mktemp("html")
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / ".doctrees"), str(DOCS), str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"sphinx-build failed:\n{proc.stdout}\n{proc.stderr}"
    return out


@pytest.mark.slow
def test_built_html_loads_nothing_from_outside(built_html):
    pages = sorted(built_html.rglob("*.html"))
    assert len(pages) > 20
    offenders = {}
    for page in pages:
        hits = EXTERNAL.findall(page.read_text(errors="replace"))
        if hits:
            offenders[str(page.relative_to(built_html))] = hits[:3]
    assert not offenders, offenders
    # MathJax itself is served from the build, with the fonts it loads.
    index = (built_html / "index.html").read_text()
    src = re.search(r'<script[^>]*src="([^"]*mathjax[^"]*)"', index, flags=re.I)
    assert src, "index.html loads no MathJax"
    assert (built_html / src.group(1).split("?")[0]).is_file()
    assert list((built_html / "_static" / "mathjax").rglob("*.woff*"))


@pytest.mark.slow
def test_built_html_has_the_pages_a_newcomer_needs(built_html):
    for page in ("getting_started.html", "backends.html", "guide_kind.html",
                 "guide_nonperiodic.html", "accuracy.html", "benchmarks.html",
                 "auto_examples/index.html", "auto_examples/plot_learn_order.html",
                 "api/generated/fracfft.set_fft_backend.html"):
        assert (built_html / page).is_file(), page
    text = (built_html / "api" / "generated" / "fracfft.set_fft_backend.html").read_text()
    # Shown as a function (autodoc would show a class, as it does for FractionalDerivative).
    assert '<dl class="py function">' in text and '<dl class="py class">' not in text
    layer = (built_html / "api" / "generated" / "fracfft.torch.FractionalDerivative.html")
    assert '<dl class="py class">' in layer.read_text()
    autograd = (built_html / "api" / "generated"
                / "fracfft.torch.SpectralFractionalDerivative.html").read_text()
    for hidden in ("setup_context", "vmap", "extra_repr"):
        assert f'id="fracfft.torch.SpectralFractionalDerivative.{hidden}"' not in autograd
    rendered = "".join(p.read_text() for p in (built_html / "api").rglob("*.html"))
    assert "SPEC" not in rendered and "fracfft._" not in rendered
