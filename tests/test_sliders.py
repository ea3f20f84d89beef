"""The slider helper: static frames, ids, validation, and where it decides to run."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from dlcourse import sliders
from dlcourse.sliders import show

LIVE_VARS = ("JPY_SESSION_NAME", "COLAB_RELEASE_TAG", "NBGRADER_EXECUTION", "DLCOURSE_SLIDERS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in LIVE_VARS:
        monkeypatch.delenv(name, raising=False)


def draw_line(fig, a):
    ax = fig.add_subplot()
    x = np.linspace(-1, 1, 20)
    ax.plot(x, a * x)
    ax.set_title(f"slope {a:g}")


def draw_grid(fig, w, b):
    ax = fig.add_subplot()
    x = np.linspace(-1, 1, 20)
    ax.plot(x, np.tanh(w * x + b))
    ax.set_title(f"w={w:g} b={b:g}")


def frames(html: str) -> list[str]:
    return re.findall(r'<div class="dlc-frame"[^>]*>(.*?)</div>', html, re.S)


def test_static_one_svg_per_value_with_text_as_text():
    html = show(draw_line, a=[0.5, 1.0, 2.0], live=False).data
    svgs = frames(html)
    assert len(svgs) == 3
    for svg, a in zip(svgs, ["0.5", "1", "2"]):
        assert svg.startswith("<svg")
        assert re.search(rf"<text[^>]*>slope {a}</text>", svg), "title is not kept as <text>"
        assert "<?xml" not in svg and "<metadata" not in svg and "Date" not in svg
    # frames differ: each one is drawn with its own value
    assert len(set(svgs)) == 3
    # exactly one frame is visible before any script runs (graceful without JS)
    assert len(re.findall(r'<div class="dlc-frame" hidden>', html)) == 2


def test_static_html_has_accessible_range_input_and_label():
    html = show(draw_line, a=[1, 2, 3, 4], live=False).data
    (inp,) = re.findall(r"<input [^>]*>", html)
    assert 'type="range"' in inp and 'min="0"' in inp and 'max="3"' in inp
    iid = re.search(r'id="([^"]+)"', inp).group(1)
    assert f'<label for="{iid}"' in html
    assert re.search(rf'<output for="{iid}"[^>]*>\d</output>', html), "no visible value label"
    assert 'aria-valuetext="a = ' in inp
    assert "<script>" in html and "src=" not in re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert "http" not in re.sub(r'xmlns(:xlink)?="[^"]+"', "", html), "must not name any host"


def test_two_sliders_render_the_full_grid():
    html = show(draw_grid, w=[1, 2, 3], b=[-1.0, 0.0, 1.0, 2.0], live=False).data
    svgs = frames(html)
    assert len(svgs) == 12
    # row-major order: frame k = i * len(b) + j, which the inline script relies on
    assert re.search(r">w=2 b=1</text>", svgs[1 * 4 + 2])
    assert len(re.findall(r'type="range"', html)) == 2


def test_ids_unique_within_and_across_calls():
    a = show(draw_line, a=[1, 2], live=False).data
    b = show(draw_line, a=[1, 2], live=False).data
    ids_a = re.findall(r'\bid="([^"]+)"', a)
    ids_b = re.findall(r'\bid="([^"]+)"', b)
    both = ids_a + ids_b
    assert ids_a and len(both) == len(set(both)), "duplicate DOM ids"
    # every internal reference (clip paths, markers) points to an id of its own frame
    for html in (a, b):
        for svg in frames(html):
            own = set(re.findall(r'\bid="([^"]+)"', svg))
            refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
            assert refs <= own


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "one or two sliders"),
        ({"a": [1], "b": [2], "c": [3]}, "one or two sliders"),
        ({"a": []}, "no values"),
        ({"a": np.array([])}, "no values"),
        ({"a": 3.0}, "1-D sequence"),
        ({"a": "123"}, "1-D sequence"),
        ({"a": np.ones((2, 2))}, "1-D"),
        ({"a": [1, "x"]}, "numbers"),
        ({"a": np.linspace(0, 1, 401)}, "limit of 400"),
        ({"a": range(21), "b": range(20)}, "420 frames"),
    ],
)
def test_bad_sliders_raise_clear_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        show(draw_line, live=False, **kwargs)


def test_limit_is_inclusive():
    calls = []
    html = show(lambda fig, a, b: calls.append((a, b)), a=range(20), b=range(20), live=False)
    assert len(calls) == 400 and html is not None


def test_draw_receives_plain_python_numbers():
    seen = []
    show(lambda fig, a: seen.append(a), a=np.array([1, 2]), live=False)
    show(lambda fig, a: seen.append(a), a=np.linspace(0, 1, 2), live=False)
    assert [type(v) for v in seen] == [int, int, float, float]


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "static"),
        ({"JPY_PARENT_PID": "123"}, "static"),  # nbclient (the book build) sets this too
        ({"JPY_SESSION_NAME": "/home/me/ch01.ipynb"}, "live"),
        ({"COLAB_RELEASE_TAG": "release-colab"}, "live"),
        ({"JPY_SESSION_NAME": "x", "DLCOURSE_SLIDERS": "static"}, "static"),
        ({"DLCOURSE_SLIDERS": "live"}, "live"),
        ({"DLCOURSE_SLIDERS": " LIVE "}, "live"),
        ({"DLCOURSE_SLIDERS": "off"}, "off"),
        ({"NBGRADER_EXECUTION": "autograde"}, "off"),
        ({"NBGRADER_EXECUTION": "autograde", "DLCOURSE_SLIDERS": "live"}, "off"),
    ],
)
def test_mode_from_environment(monkeypatch, env, expected):
    monkeypatch.delenv("JPY_PARENT_PID", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert sliders._mode(None) == expected


def test_live_argument_overrides_environment(monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", "x")
    assert sliders._mode(False) == "static"
    monkeypatch.delenv("JPY_SESSION_NAME")
    monkeypatch.setenv("DLCOURSE_SLIDERS", "static")
    assert sliders._mode(True) == "live"


def test_bad_override_value_is_reported(monkeypatch):
    monkeypatch.setenv("DLCOURSE_SLIDERS", "sometimes")
    with pytest.raises(ValueError, match="DLCOURSE_SLIDERS"):
        show(draw_line, a=[1, 2])


def test_live_mode_returns_interactive_widget(monkeypatch):
    import ipywidgets

    monkeypatch.setenv("JPY_SESSION_NAME", "/tmp/x.ipynb")
    w = show(draw_line, a=[0.5, 1.0, 2.0])
    assert isinstance(w, ipywidgets.interactive)
    (slider,) = [c for c in w.children if isinstance(c, ipywidgets.SelectionSlider)]
    assert [label for label, _ in slider.options] == ["0.5", "1", "2"] and slider.value == 1.0


def test_nbgrader_draws_nothing_and_returns_none(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    calls = []
    start = time.perf_counter()
    assert show(lambda fig, a: calls.append(a), a=range(400), live=True) is None
    assert calls == [] and time.perf_counter() - start < 0.5


def test_static_under_nbclient_kernel(tmp_path):
    """A kernel started like the book build starts it renders static frames."""
    import nbformat
    from nbclient import NotebookClient

    code = (
        "from dlcourse.sliders import show\n"
        "h = show(lambda fig, a: fig.add_subplot().plot([0, a]), a=[1, 2])\n"
        "print(type(h).__name__, h.data.count('<svg'))"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    out = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert out.strip() == "HTML 2"
