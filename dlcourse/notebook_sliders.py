"""Live sliders small enough to travel inside every exercise notebook.

``python -m dlcourse.release`` copies the code below (from ``import io`` to
the end) into the setup cell of each exercise notebook, so a notebook
downloaded from the book, or opened in Colab or Binder, draws its sliders
with nothing but numpy, matplotlib and ipywidgets installed. This file is
the one source of that code: ``dlcourse.sliders`` uses it for its live mode
(and adds the static frames of the book's reading pages), and a test checks
that every notebook carries the current copy.
"""
import io
import os


def drawn_figure(draw, values):
    """A 5 x 3 inch figure drawn by draw(fig, **values), laid out unless draw chose a layout."""
    import matplotlib
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.0, 3.0), dpi=100)
    draw(fig, **values)
    # A draw function that adjusts the subplots or calls tight_layout() keeps
    # its own layout (constrained layout on top of it makes matplotlib warn).
    pars = fig.subplotpars
    adjusted = any(getattr(pars, key) != matplotlib.rcParams[f"figure.subplot.{key}"]
                   for key in ("left", "right", "top", "bottom", "wspace", "hspace"))
    if fig.get_layout_engine() is None and not adjusted:
        fig.set_layout_engine("constrained")
    return fig


def live_sliders(draw, **sliders):
    """One slider per keyword (its values a 1-D sequence of numbers); every
    move redraws draw(fig, **values). Draws nothing while nbgrader grades."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    import ipywidgets
    from IPython.display import Image, display

    def frame(**values):
        picture = io.BytesIO()
        drawn_figure(draw, values).savefig(picture, format="png")
        display(Image(data=picture.getvalue(), format="png"))

    controls = {
        name: ipywidgets.SelectionSlider(
            options=[(f"{v:.4g}" if isinstance(v, float) else str(v), v) for v in values],
            value=values[(len(values) - 1) // 2], description=name, continuous_update=True)
        for name, values in sliders.items()
    }
    return ipywidgets.interactive(frame, **controls)
