"""Slider demos that work both in a live notebook and in the static HTML book.

Usage (make the call the last expression of a cell)::

    import numpy as np
    from dlcourse.sliders import show

    def draw(fig, alpha):
        ax = fig.add_subplot()
        x = np.linspace(-3, 3, 200)
        ax.plot(x, np.where(x > 0, x, alpha * x))
        ax.set_title(f"leaky ReLU, alpha = {alpha:.2f}")

    show(draw, alpha=np.linspace(0.05, 1.5, 11))

``draw(fig, **values)`` draws one frame onto a fresh
:class:`matplotlib.figure.Figure` (no pyplot state; call ``fig.set_size_inches``
to change the default size).  Give one or two sliders, each a 1-D sequence of
numbers; two sliders cover the full grid of value pairs.

Where it runs decides what it returns:

* **live** (a kernel started by a Jupyter server, or Colab): an
  ``ipywidgets.interactive`` with one ``SelectionSlider`` per slider, redrawn
  on every move.
* **static** (the book build, plain ``python``, nbclient): every value (pair)
  is rendered once to SVG with text kept as ``<text>``; an ``IPython.display.HTML``
  holds all frames plus ``<input type=range>`` controls and a tiny inline script
  that swaps frames.  No external JavaScript, no network.
* **off** (under nbgrader, ``NBGRADER_EXECUTION`` set): nothing is drawn and
  ``None`` is returned, so grading never pays for frames.

Choose explicitly with ``show(..., live=True/False)`` or the environment
variable ``DLCOURSE_SLIDERS=live|static|off`` (the argument wins over the
variable; nbgrader's ``NBGRADER_EXECUTION`` wins over both).
"""

from __future__ import annotations

import html
import io
import json
import numbers
import os
import re
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from dlcourse.notebook_sliders import drawn_figure, live_sliders

__all__ = ["show", "MAX_FRAMES"]

#: Upper bound on the number of frames one call may render (two sliders = grid).
MAX_FRAMES = 400

_ENV_MODE = "DLCOURSE_SLIDERS"
_MODES = ("live", "static", "off")

# Environment variables that mark a kernel a person is driving interactively.
# JPY_SESSION_NAME is set by jupyter_server's SessionManager for every kernel it
# starts for a notebook (Jupyter Lab / Notebook / JupyterHub / Binder).
# JPY_PARENT_PID is NOT a signal: jupyter_client sets it for every kernel it
# launches, including nbclient's during the book build.
# COLAB_RELEASE_TAG is present in every Google Colab runtime.
_LIVE_ENV_VARS = ("JPY_SESSION_NAME", "COLAB_RELEASE_TAG")


def _mode(live: bool | None) -> str:
    """Return 'live', 'static' or 'off' for the current process."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return "off"
    if live is not None:
        return "live" if live else "static"
    forced = os.environ.get(_ENV_MODE, "").strip().lower()
    if forced:
        if forced not in _MODES:
            raise ValueError(
                f"{_ENV_MODE}={forced!r} is not understood; use one of {', '.join(_MODES)}"
            )
        return forced
    if any(os.environ.get(name) for name in _LIVE_ENV_VARS):
        return "live"
    return "static"


def _as_number(value: Any, name: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"slider {name!r}: values must be numbers, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    return float(value)


def _validate(sliders: dict[str, Any]) -> dict[str, list[int | float]]:
    if not 1 <= len(sliders) <= 2:
        raise ValueError(
            f"show() takes one or two sliders as keyword arguments "
            f"(e.g. alpha=np.linspace(0, 1, 11)); got {len(sliders)}"
        )
    clean: dict[str, list[int | float]] = {}
    for name, values in sliders.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence,)) and not hasattr(
            values, "__array__"
        ):
            raise ValueError(
                f"slider {name!r} must be a 1-D sequence of numbers, got {type(values).__name__}"
            )
        if hasattr(values, "ndim") and getattr(values, "ndim") != 1:
            raise ValueError(f"slider {name!r} must be 1-D, got {values.ndim} dimensions")
        seq = [_as_number(v, name) for v in values]
        if not seq:
            raise ValueError(f"slider {name!r} has no values")
        clean[name] = seq
    total = 1
    for seq in clean.values():
        total *= len(seq)
    if total > MAX_FRAMES:
        sizes = " x ".join(str(len(s)) for s in clean.values())
        raise ValueError(
            f"{sizes} = {total} frames is more than the limit of {MAX_FRAMES}; "
            f"use fewer slider values (each frame is embedded in the page)"
        )
    return clean


def _fmt(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{value:.4g}"


# -- static mode -----------------------------------------------------------

_SVG_RC = {
    "svg.fonttype": "none",  # keep text as <text>: small, crisp, searchable
    "svg.hashsalt": "dlcourse",  # deterministic ids => reproducible builds
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],  # short font lists
}
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _svg_frame(draw: Callable[..., Any], values: dict[str, int | float], prefix: str) -> str:
    """Render one frame to a compact inline <svg> whose ids start with prefix."""
    import matplotlib

    with matplotlib.rc_context(_SVG_RC):
        fig = drawn_figure(draw, values)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata=_SVG_METADATA)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop <?xml?> and <!DOCTYPE>
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    # ids matter only where referenced (markers, clip paths); the rest are noise,
    # and referenced ones must be unique on a page holding many frames.
    referenced = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
    svg = re.sub(
        r' id="([^"]+)"',
        lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in referenced else "",
        svg,
    )
    svg = re.sub(r'(href="#|url\(#)([^")]+)', lambda m: m.group(1) + prefix + m.group(2), svg)
    svg = re.sub(r"\n\s*", "\n", svg)  # indentation is a third of the raw bytes
    # coordinates to 1/100 pt (matplotlib writes 1/1000000): invisible, much smaller
    svg = re.sub(
        r' (d|x|y|transform)="([^"]*)"',
        lambda m: f' {m.group(1)}="' + re.sub(r"(\.\d\d)\d+", r"\1", m.group(2)) + '"',
        svg,
    )
    # scale with the page column instead of overflowing on narrow screens
    svg = svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)
    return svg.strip()


_SCRIPT = """(function(){var r=document.getElementById(%(id)s);if(!r)return;
var L=%(labels)s,n=%(names)s,I=r.querySelectorAll("input[type=range]"),
O=r.querySelectorAll("output"),F=r.querySelectorAll(".dlc-frame");
function u(){var k=0;for(var s=0;s<I.length;s++){var i=+I[s].value;k=k*L[s].length+i;
O[s].textContent=L[s][i];I[s].setAttribute("aria-valuetext",n[s]+" = "+L[s][i]);}
for(var f=0;f<F.length;f++){F[f].hidden=(f!==k);}}
for(var s=0;s<I.length;s++){I[s].addEventListener("input",u);}u();})();"""


def _static_html(draw: Callable[..., Any], sliders: dict[str, list[int | float]]) -> str:
    uid = "dlc-" + secrets.token_hex(5)
    names = list(sliders)
    grids = [sliders[n] for n in names]
    start = [(len(g) - 1) // 2 for g in grids]

    frames = []
    index = 0
    combos: list[tuple[int, ...]] = [()]
    for g in grids:
        combos = [c + (i,) for c in combos for i in range(len(g))]
    for combo in combos:
        values = {n: grids[s][i] for s, (n, i) in enumerate(zip(names, combo))}
        hidden = "" if list(combo) == start else " hidden"
        svg = _svg_frame(draw, values, f"{uid}-{index}-")
        frames.append(f'<div class="dlc-frame"{hidden}>{svg}</div>')
        index += 1

    controls = []
    for s, name in enumerate(names):
        labels = [_fmt(v) for v in grids[s]]
        iid = f"{uid}-in{s}"
        esc = html.escape(name)
        cur = html.escape(labels[start[s]])
        controls.append(
            '<div class="dlc-control" style="display:flex;align-items:center;gap:.6em;'
            'flex-wrap:wrap;margin:.2em 0">'
            f'<label for="{iid}" style="min-width:4em;font-family:monospace">{esc}</label>'
            f'<input type="range" id="{iid}" name="{esc}" min="0" max="{len(labels) - 1}" '
            f'step="1" value="{start[s]}" aria-valuetext="{esc} = {cur}" '
            'style="flex:1 1 12em;max-width:24em">'
            f'<output for="{iid}" aria-live="polite" style="font-family:monospace;'
            f'min-width:5em">{cur}</output>'
            "</div>"
        )

    script = _SCRIPT % {
        "id": json.dumps(uid),
        "labels": json.dumps([[_fmt(v) for v in g] for g in grids]),
        "names": json.dumps(names),
    }
    return (
        f'<div class="dlc-slider" id="{uid}" style="margin:.5em 0 1em">'
        f'<div class="dlc-frames">{"".join(frames)}</div>'
        f'{"".join(controls)}'
        f"<script>{script}</script>"
        "</div>"
    )


# -- public API ------------------------------------------------------------


def show(draw: Callable[..., Any], *, live: bool | None = None, **sliders: Sequence[float]):
    """Show ``draw(fig, **values)`` with one or two sliders over the given values.

    Parameters
    ----------
    draw:
        ``draw(fig, **values)`` draws one frame on a fresh
        :class:`matplotlib.figure.Figure` (default 5 x 3 inches, constrained
        layout); its keyword arguments are the slider names.
    live:
        ``True`` for ipywidgets, ``False`` for static SVG frames, ``None``
        (default) to decide from the environment (see the module docstring).
    **sliders:
        One or two ``name=values`` pairs, each a non-empty 1-D sequence of
        numbers.  At most :data:`MAX_FRAMES` frames in total.

    Returns
    -------
    ``ipywidgets.interactive`` (live), ``IPython.display.HTML`` (static), or
    ``None`` under nbgrader.  Make the call the last expression of a cell.

    Raises
    ------
    ValueError
        For 0 or more than 2 sliders, an empty or non-numeric sequence, or too
        many frames.
    """
    clean = _validate(sliders)
    mode = _mode(live)
    if mode == "off":
        return None
    if mode == "live":
        return live_sliders(draw, **clean)
    from IPython.display import HTML

    return HTML(_static_html(draw, clean))
