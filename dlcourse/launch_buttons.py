"""Sphinx extension: launch buttons on the exercise notebooks only.

sphinx-book-theme puts its Binder, Colab and JupyterHub buttons on every
page it counts as a notebook, the MyST Markdown reading pages included. Colab
cannot open a ``.md`` file and Binder would show it as text, so on a reading
page those buttons lead nowhere; students launch the exercises.
"""
from __future__ import annotations

LAUNCH_GROUP = "launch-buttons"  # the label sphinx-book-theme gives the group


def exercises_only(app, pagename, templatename, context, doctree) -> None:
    if context.get("page_source_suffix") == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if buttons:
        buttons[:] = [button for button in buttons if button.get("label") != LAUNCH_GROUP]


def setup(app):
    # The theme adds its launch buttons at priority 501; this runs after it.
    app.connect("html-page-context", exercises_only, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
