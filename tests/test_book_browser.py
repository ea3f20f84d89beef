"""Open every page of the built book in headless Chromium, offline.

Needs the built book (`make book`, i.e. `python -m dlcourse.build_book`; the test
runner builds it first).  Each page is opened from disk with every request that
is not file:/data:/about:/blob: aborted and recorded, and the test checks:

* no request tried to leave the machine, no file the page asked for is missing,
  no console error and no uncaught exception;
* math is typeset by MathJax (mjx-container present) and no raw TeX delimiters
  are left in the visible text;
* no display equation is wider than the article column at the test's viewport
  (MathJax does not break lines, so a wide equation is cut off);
* every static slider swaps its visible figure and its value label when its
  range input moves.

A screenshot of every page is saved to _build/screenshots/ for humans.
The browser is the system's Chromium (Debian package `chromium`), never a
downloaded one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# At 1200 px the theme starts showing both sidebars, which leaves the article
# its narrowest column (688 px) of any window at least that wide; narrower
# windows hide the left sidebar and give the article the whole width.
VIEWPORT = {"width": 1200, "height": 900}


def _pages() -> list[Path]:
    if not (HTML / "index.html").is_file():
        return []
    return sorted(
        p for p in HTML.rglob("*.html") if not p.relative_to(HTML).parts[0].startswith("_")
    )


def _require_build() -> None:
    if not (HTML / "index.html").is_file():
        pytest.fail(
            f"{HTML / 'index.html'} is missing: build the book first with "
            "`make book` (python -m dlcourse.build_book)",
            pytrace=False,
        )


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        # CI must run this test, never skip it: install the system browser if we can.
        from dlcourse import system_packages

        try:
            system_packages.ensure(["chromium"])
        except system_packages.MissingSystemPackages as exc:
            pytest.fail(f"Chromium is needed for the browser test: {exc}", pytrace=False)
        found = shutil.which("chromium")
    if found is None:
        pytest.fail("Chromium not found after installing the Debian package `chromium`", pytrace=False)
    return found


@pytest.fixture(scope="module")
def browser():
    _require_build()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageLog:
    def __init__(self) -> None:
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []


def _open(browser, path: Path):
    """Open a built page offline; return (context, page, log)."""
    log = PageLog()
    context = browser.new_context(viewport=VIEWPORT)

    def route(r):
        url = r.request.url
        if url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            log.outside.append(url)
            r.abort()

    # Typesetting a long chapter can take longer than Playwright's 30 s default
    # on a busy machine; a page that never loads still fails.
    context.set_default_timeout(120_000)
    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.console_errors.append(f"uncaught: {e}"))
    page.on(
        "requestfailed",
        lambda r: None if not r.url.startswith("file:") else log.failed.append(r.url),
    )
    page.goto(path.as_uri(), wait_until="load")
    # MathJax typesets asynchronously after load; wait for it where it runs.
    page.evaluate(
        "() => (window.MathJax && MathJax.startup && MathJax.startup.promise)"
        " ? MathJax.startup.promise.then(() => true) : true"
    )
    page.wait_for_load_state("networkidle")
    return context, page, log


# Text nodes outside code, scripts and typeset math: where raw TeX would show.
_VISIBLE_PROSE_JS = """() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, svg, .highlight, .dlc-slider';
  const out = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) {
    if (n.parentElement && !n.parentElement.closest(skip)) out.push(n.nodeValue);
  }
  return out.join(' ');
}"""

_RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\\frac\{")

# Display equations whose typeset width passes the article column's right edge,
# each with its TeX source (so it can be found in book/*.md) and the widths.
_WIDE_EQUATIONS_JS = """() => {
  const column = document.querySelector('article.bd-article') || document.body;
  const right = column.getBoundingClientRect().right;
  const tex = new Map();
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const item of MathJax.startup.document.math) tex.set(item.typesetRoot, item.math);
  }
  const wide = [];
  for (const m of document.querySelectorAll('mjx-container[display="true"]')) {
    const box = m.getBoundingClientRect();
    const content = m.querySelector('mjx-math') || m;
    const edge = Math.max(box.right, content.getBoundingClientRect().right);
    if (m.scrollWidth > m.clientWidth + 2 || edge > right + 2) {
      wide.push({
        tex: (tex.get(m) || m.textContent).replace(/\\s+/g, ' ').trim(),
        width: Math.round(Math.max(m.scrollWidth, edge - box.left)),
        room: Math.round(Math.min(m.clientWidth, right - box.left)),
      });
    }
  }
  return wide;
}"""


def _page_id(path: Path) -> str:
    return str(path.relative_to(HTML))


# Without a build there is nothing to list; index.html then stands in, and its
# test fails with "build the book first" (an empty parameter list would skip).
PAGES = _pages() or [HTML / "index.html"]


def test_book_is_built():
    _require_build()
    names = {p.relative_to(HTML).as_posix() for p in _pages()}
    assert "book/intro.html" in names, sorted(names)


def test_no_remote_script_or_stylesheet_in_html():
    """Static check: no page loads a script, stylesheet or frame from another host."""
    _require_build()
    tag = re.compile(
        r"<(script|link|img|iframe|source)\b[^>]*?\b(src|href)\s*=\s*[\"']?((https?:)?//[^\"' >]+)",
        re.I,
    )
    offenders = []
    for page in _pages():
        for m in tag.finditer(page.read_text(encoding="utf-8", errors="replace")):
            if m.group(1).lower() == "link" and "stylesheet" not in m.group(0).lower() and "preload" not in m.group(0).lower():
                continue  # <link rel=canonical/next ...> is a plain link, not a load
            offenders.append(f"{_page_id(page)}: {m.group(0)[:160]}")
    assert not offenders, "pages load from other hosts:\n" + "\n".join(offenders)


@pytest.mark.parametrize("path", PAGES, ids=[_page_id(p) for p in PAGES])
def test_page_offline(browser, path: Path):
    text = path.read_text(encoding="utf-8")
    refresh = re.search(r'http-equiv="refresh"[^>]*url=([^"\s>]+)', text, re.I)
    if refresh:  # index.html only redirects to the first page, tested on its own
        target = (path.parent / refresh.group(1)).resolve()
        assert target.is_file(), f"{_page_id(path)} redirects to a missing page {target}"
        return
    context, page, log = _open(browser, path)
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / (_page_id(path).replace("/", "__") + ".png")), full_page=True)

        has_math = 'class="math' in text
        if has_math:
            n = page.locator("mjx-container").count()
            assert n > 0, f"{_page_id(path)} has math but MathJax typeset none of it"
        prose = page.evaluate(_VISIBLE_PROSE_JS)
        raw = sorted({prose[max(0, m.start() - 30) : m.end() + 30] for m in _RAW_TEX.finditer(prose)})
        assert not raw, f"raw TeX left in the visible text of {_page_id(path)}: {raw[:5]}"

        problems = _check_sliders(page)
        assert not problems, f"sliders on {_page_id(path)} do not respond:\n" + "\n".join(problems)

        assert not log.outside, f"{_page_id(path)} requested other hosts: {log.outside}"
        assert not log.failed, f"{_page_id(path)} asked for missing files: {log.failed}"
        assert not log.console_errors, f"console errors on {_page_id(path)}: {log.console_errors}"

        wide = page.evaluate(_WIDE_EQUATIONS_JS)
        assert not wide, (
            f"display equations wider than the article column of {_page_id(path)} "
            f"at {VIEWPORT['width']}x{VIEWPORT['height']}:\n"
            + "\n".join(f"  {w['width']} px in {w['room']} px: {w['tex'][:200]}" for w in wide)
        )
    finally:
        context.close()


_SLIDER_STATE_JS = """(root) => {
  const frames = [...root.querySelectorAll('.dlc-frame')];
  const shown = frames.filter(f => !f.hidden && f.getBoundingClientRect().height > 0);
  return {
    shown: shown.map(f => frames.indexOf(f)),
    svg: shown.length ? shown[0].innerHTML.replace(/\\bid="[^"]*"|#[\\w-]+/g, '') : '',
    labels: [...root.querySelectorAll('output')].map(o => o.textContent),
    valuetexts: [...root.querySelectorAll('input[type=range]')].map(i => i.getAttribute('aria-valuetext')),
  };
}"""

_MOVE_JS = """([root, k, v]) => {
  const input = root.querySelectorAll('input[type=range]')[k];
  input.value = String(v);
  input.dispatchEvent(new Event('input', {bubbles: true}));
}"""


def _check_sliders(page) -> list[str]:
    problems = []
    sliders = page.locator(".dlc-slider")
    for s in range(sliders.count()):
        root = sliders.nth(s).element_handle()
        name = f"slider {s + 1} (#{root.get_attribute('id')})"
        inputs = root.query_selector_all("input[type=range]")
        if not inputs:
            problems.append(f"{name}: no range input")
            continue
        for k, inp in enumerate(inputs):
            label_for = root.query_selector(f"label[for='{inp.get_attribute('id')}']")
            if label_for is None:
                problems.append(f"{name}: input {k} has no <label for=...>")
            before = page.evaluate(_SLIDER_STATE_JS, root)
            if len(before["shown"]) != 1:
                problems.append(f"{name}: {len(before['shown'])} frames visible before moving")
                continue
            cur, top = int(inp.get_attribute("value") or 0), int(inp.get_attribute("max") or 0)
            # move to the far end from the current value
            target = 0 if cur >= top / 2 else top
            if target == int(page.evaluate("(i) => i.value", inp)):
                problems.append(f"{name}: input {k} has a single value")
                continue
            page.evaluate(_MOVE_JS, [root, k, target])
            after = page.evaluate(_SLIDER_STATE_JS, root)
            if len(after["shown"]) != 1:
                problems.append(f"{name}: {len(after['shown'])} frames visible after moving input {k}")
            elif after["shown"] == before["shown"]:
                problems.append(f"{name}: moving input {k} did not change the visible frame")
            elif after["svg"] == before["svg"]:
                problems.append(f"{name}: moving input {k} showed an identical figure")
            if after["labels"][k] == before["labels"][k]:
                problems.append(f"{name}: value label of input {k} did not change")
            if after["valuetexts"][k] == before["valuetexts"][k]:
                problems.append(f"{name}: aria-valuetext of input {k} did not change")
    return problems

