"""Sphinx configuration of the fracfft documentation.

Build: ``sphinx-build -W -b html docs docs/_build/html`` (warnings are errors). The build needs
no network: MathJax is copied into the built site by ``sphinx-mathjax-offline``, the theme ships
its own fonts and icons, and intersphinx is only configured on request.

Small directives keep the build green whatever is installed or generated:

* ``optional-figure``: a ``figure`` that becomes a short note when the PNG has not been
  generated (``python docs/make_figures.py`` writes them).
* ``optional-toctree``: a ``toctree`` that lists only the entries that exist, so pages other
  branches add (causal kinds, scaling, ...) join the navigation once they are merged.
* ``:optional-doc:``: a ``:doc:`` link when the page exists, plain text otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst.directives.images import Figure
from sphinx import addnodes
from sphinx.addnodes import pending_xref
from sphinx.directives.other import TocTree

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import fracfft  # noqa: E402

project = "fracfft"
author = "the fracfft developers"
copyright = "the fracfft developers"  # noqa: A001
version = release = fracfft.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_copybutton",
    "sphinx_gallery.gen_gallery",
    "sphinx-mathjax-offline",  # sets mathjax_path to a copy inside the built site
]

exclude_patterns = ["_build", "sg_execution_times.rst", "auto_examples/sg_execution_times.rst"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["fracfft.css"]
html_theme = "pydata_sphinx_theme"
html_title = f"fracfft {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # API pages hold one object each: their width goes to the code, not to a one-line TOC.
    "secondary_sidebar_items": {"*": ["page-toc"], "auto_examples/*": ["page-toc"],
                                "api/index": ["page-toc"], "api/generated/*": []},
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    # No version switcher and no analytics: nothing that loads from outside.
}
# The section navigation only where a section has pages (the API); elsewhere the text gets
# the width.
html_sidebars = {"*": [], "auto_examples/*": [], "api/**": ["sidebar-nav-bs"]}
html_show_sourcelink = False

nitpicky = False
autosummary_generate = True
autosummary_imported_members = True
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc sections carry the types
autodoc_inherit_docstrings = False  # torch.autograd.Function docstrings point at torch labels
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "within_subsection_order": "FileNameSortKey",
    # Keep each run small: the gallery is built in CI.
    "abort_on_example_error": True,
    "show_memory": False,
    "write_computation_times": False,  # its page loads DataTables from a CDN
    "min_reported_time": 1,
}

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


class OptionalTocTree(TocTree):
    """``toctree`` whose entries that name no document of this build are left out."""

    def run(self):
        env = self.state.document.settings.env
        keep = []
        for line in self.content:
            entry = line.strip()
            target = entry.rsplit("<", 1)[-1].rstrip(">").strip() if entry.endswith(">") else entry
            if not entry or target in env.found_docs or "*" in target:
                keep.append(line)
        self.content = type(self.content)(keep, items=[(None, 0)] * len(keep)) \
            if keep else self.content[:0]
        return super().run()


def optional_doc_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``:optional-doc:`title <page>``` : a page link when ``page`` exists, else the title."""
    env = inliner.document.settings.env
    title, target = text, text
    if text.endswith(">") and "<" in text:
        title, target = text[:-1].split("<", 1)
        title, target = title.strip(), target.strip()
    if target in env.found_docs:
        ref = pending_xref(rawtext, refdomain="std", reftype="doc", reftarget=target,
                           refexplicit=True, refwarn=True, refdoc=env.docname)
        ref += nodes.inline(title, title, classes=["xref", "std", "std-doc"])
        return [ref], []
    return [nodes.emphasis(title, title)], []


# Classes that are used like functions (``set_fft_backend(name)``, also as ``with``): shown as
# functions, without the "class" prefix autodoc gives them.
FUNCTION_LIKE = {"fracfft.set_fft_backend", "fracfft.fft.set_fft_backend"}


def _show_as_functions(app, doctree):
    for desc in doctree.findall(addnodes.desc):
        if desc.get("objtype") != "class":
            continue
        for sig in desc.findall(addnodes.desc_signature):
            if sig.get("fullname") and f"{sig.get('module')}.{sig['fullname']}" in FUNCTION_LIKE:
                for annotation in list(sig.findall(addnodes.desc_annotation)):
                    annotation.parent.remove(annotation)
                desc["objtype"] = desc["desctype"] = "function"
                desc["classes"] = [c if c != "class" else "function" for c in desc["classes"]]


def setup(app):
    app.connect("doctree-read", _show_as_functions)
    app.add_directive("optional-figure", OptionalFigure)
    app.add_directive("optional-toctree", OptionalTocTree)
    app.add_role("optional-doc", optional_doc_role)
    return {"parallel_read_safe": True}
