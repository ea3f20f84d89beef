"""The built book has no dead link: every internal link (page, file, anchor)
resolves, and the only links to other hosts are the launch buttons whose
targets _config.yml configures (none while repository.url is empty).

Needs the built book (`make book`), as tests/test_book_browser.py does."""
from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bs4 import BeautifulSoup

from test_book_browser import HTML, ROOT, _pages, _require_build

LINKS = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"))


def launch_targets(config: dict) -> list[str]:
    """URL prefixes of the launch buttons _config.yml sets up."""
    repository = (config.get("repository") or {}).get("url") or ""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)/?", repository)
    buttons = config.get("launch_buttons") or {}
    targets = []
    if match:
        org, repo = match.groups()
        if buttons.get("binderhub_url"):
            targets.append(f"{buttons['binderhub_url'].rstrip('/')}/v2/gh/{org}/{repo}/")
        if buttons.get("colab_url"):
            targets.append(f"{buttons['colab_url'].rstrip('/')}/github/{org}/{repo}/blob/")
        if buttons.get("jupyterhub_url"):
            targets.append(f"{buttons['jupyterhub_url'].rstrip('/')}/hub/user-redirect/git-pull?")
    return targets


@functools.cache
def ids(page: Path) -> frozenset[str]:
    soup = BeautifulSoup(page.read_text(), "html.parser")
    return frozenset(tag["id"] for tag in soup.find_all(id=True)) | frozenset(
        tag["name"] for tag in soup.find_all("a", attrs={"name": True}))


def problems(page: Path, allowed: list[str]) -> list[str]:
    found = []
    soup = BeautifulSoup(page.read_text(), "html.parser")
    for tag, attribute in LINKS:
        for element in soup.find_all(tag):
            url = element.get(attribute)
            if not url or url.startswith(("mailto:", "data:", "javascript:void")):
                continue
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                if not any(url.startswith(prefix) for prefix in allowed):
                    found.append(f"external link {url}")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                found.append(f"dead link {url}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids(target):
                found.append(f"dead anchor {url}")
    return [f"{page.relative_to(HTML)}: {problem}" for problem in found]


def test_every_link_resolves_and_only_launch_targets_leave_the_book():
    _require_build()
    allowed = launch_targets(yaml.safe_load((ROOT / "_config.yml").read_text()))
    found = [problem for page in _pages() for problem in problems(page, allowed)]
    assert not found, "\n".join(found[:40])


def test_the_check_finds_dead_links_and_unconfigured_buttons(tmp_path):
    page = tmp_path / "page.html"
    (tmp_path / "other.html").write_text('<h1 id="here">x</h1>')
    page.write_text('<a href="other.html#here">ok</a><a href="missing.html">x</a>'
                    '<a href="other.html#nowhere">x</a><a href="https://mybinder.org/v2/gh/a/b/main">x</a>')
    global HTML
    saved, HTML = HTML, tmp_path
    try:
        found = problems(page, launch_targets({"repository": {"url": ""}}))
    finally:
        HTML = saved
    assert [p.split(": ", 1)[1] for p in found] == [
        "dead link missing.html", "dead anchor other.html#nowhere", "external link https://mybinder.org/v2/gh/a/b/main"]
    configured = launch_targets({"repository": {"url": "https://github.com/a/b"},
                                 "launch_buttons": {"binderhub_url": "https://mybinder.org"}})
    assert configured == ["https://mybinder.org/v2/gh/a/b/"]


def test_launch_buttons_stay_on_exercise_notebooks_only():
    from dlcourse.launch_buttons import exercises_only

    def buttons():
        return [{"label": "download-buttons"}, {"label": "launch-buttons"}]

    reading = {"page_source_suffix": ".md", "header_buttons": buttons()}
    exercise = {"page_source_suffix": ".ipynb", "header_buttons": buttons()}
    for context in (reading, exercise):
        exercises_only(None, "page", "page.html", context, None)
    assert reading["header_buttons"] == [{"label": "download-buttons"}]
    assert exercise["header_buttons"] == buttons()
