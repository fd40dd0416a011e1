"""Sphinx configuration of the fracfft documentation.

Build: ``sphinx-build -W -b html docs docs/_build/html`` (warnings are errors).

Two small directives keep the build green whatever is installed or generated:

* ``guarded-automodule``: ``automodule`` for a module that may not import here (torch missing,
  a backend module not written yet). When it imports, the members listed in its ``__all__``
  that resolve are documented; otherwise a note says what could not be imported.
* ``optional-figure``: a ``figure`` that becomes a short note when the PNG has not been
  generated (``python docs/make_figures.py`` writes them).
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.images import Figure
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import fracfft  # noqa: E402

project = "fracfft"
author = "the fracfft developers"
copyright = "the fracfft developers"  # noqa: A001
version = release = fracfft.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "numpydoc",
]

exclude_patterns = ["_build"]
templates_path: list[str] = []
html_static_path = ["_static"] if (HERE / "_static").is_dir() else []
html_theme = "alabaster"
html_theme_options = {
    "description": "Spectral fractional derivatives for NumPy and PyTorch",
    "fixed_sidebar": True,
    "page_width": "1100px",
}
html_title = f"fracfft {release}"

nitpicky = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc sections carry the types
autodoc_inherit_docstrings = False  # torch.autograd.Function docstrings point at torch labels
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Links into the projects our users work with; cached inventories are optional (offline builds
# must not warn), so intersphinx is only configured when asked for.
intersphinx_mapping = {}
if os.environ.get("FRACFFT_DOCS_INTERSPHINX"):
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "torch": ("https://pytorch.org/docs/stable", None),
    }


def _import_problem(name: str) -> str | None:
    try:
        importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - anything that stops autodoc
        return f"{type(exc).__name__}: {exc}"
    return None


class GuardedAutomodule(SphinxDirective):
    """``automodule`` with ``:members:`` = the importable names of ``__all__``, or a note."""

    required_arguments = 1
    option_spec = {"exclude": directives.unchanged, "no-members": directives.flag}

    def run(self):
        name = self.arguments[0]
        problem = _import_problem(name)
        if problem is not None:
            note = nodes.note()
            note += nodes.paragraph(
                text=f"The module {name} could not be imported when this documentation was "
                     f"built ({problem}); its reference is missing from this build.")
            return [note]
        module = sys.modules[name]
        exclude = {s.strip() for s in self.options.get("exclude", "").split(",") if s.strip()}
        members, lazy, missing = [], [], []
        for member in getattr(module, "__all__", []):
            if member in exclude:
                continue
            try:
                getattr(module, member)
            except Exception:  # noqa: BLE001 - a lazily imported name whose module is absent
                missing.append(member)
            else:
                # Names served by a module-level __getattr__ are invisible to :members:.
                (members if member in vars(module) else lazy).append(member)
        lines = [f".. automodule:: {name}"]
        if "no-members" not in self.options and members:
            lines.append(f"   :members: {', '.join(members)}")
        lines.append("")
        if "no-members" not in self.options:
            for member in lazy:
                lines += [f".. autodata:: {name}.{member}", "   :no-value:", ""]
        result = StringList(lines, source=self.get_source_info()[0])
        holder = nodes.Element()
        nested_parse_with_titles(self.state, result, holder)
        out = list(holder.children)
        if missing:
            note = nodes.note()
            note += nodes.paragraph(
                text=f"Not importable when this documentation was built: "
                     f"{', '.join(f'{name}.{m}' for m in missing)}.")
            out.append(note)
        return out


class OptionalFigure(Figure):
    """``figure`` when the image exists, else a note saying how to generate it."""

    def run(self):
        env = self.state.document.settings.env
        _, path = env.relfn2path(self.arguments[0])
        if not Path(path).is_file():
            para = nodes.paragraph(
                text=f"(Figure {self.arguments[0]} not generated in this build: run "
                     "python docs/make_figures.py.)")
            return [para]
        return super().run()


def setup(app):
    app.add_directive("guarded-automodule", GuardedAutomodule)
    app.add_directive("optional-figure", OptionalFigure)
    return {"parallel_read_safe": True}
