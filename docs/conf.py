"""Sphinx configuration: MyST Markdown pages, furo theme, autodoc for the reference."""

from __future__ import annotations

import govops

project = "govops"
author = "The govops developers"
copyright = "2026, The govops developers"
release = govops.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}

# No intersphinx: CI builds the docs without network access.

html_theme = "furo"
html_title = f"govops {release}"
language = "en"
