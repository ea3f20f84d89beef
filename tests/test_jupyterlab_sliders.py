"""In JupyterLab, one live slider per chapter moves and its figure changes.

Each chapter's notebook, answered with the reference solutions, is opened in
a JupyterLab server (the course's) whose only kernel is the stand-alone one
(numpy, matplotlib, ipywidgets and ipykernel: ``standalone_env``), run with
"Run All Cells"; the first slider is moved one step with the keyboard and
the figure under it must be redrawn. The server listens on 127.0.0.1 only."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

import simulated_class as sim
import standalone_env
from dlcourse.release import chapters
from test_book_browser import CHROMIUM_ARGS, _chromium

TOKEN = "course-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    home = tmp_path_factory.mktemp("lab-home")
    for chapter in chapters():
        nb = sim.correct(chapter)
        nb.metadata["kernelspec"] = {"name": standalone_env.KERNEL, "display_name": "standalone",
                                     "language": "python"}
        nbformat.write(nb, root / f"{chapter}.ipynb")
    env = dict(os.environ, JUPYTER_PATH=str(standalone_env.kernels_dir(home / "data")),
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"))
    env.pop("NBGRADER_EXECUTION", None)
    # Every cell rendered: JupyterLab's default windowing hides the cells out of view.
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--allow-root", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={TOKEN}",
         "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.extension_manager=readonly", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate", "--KernelSpecManager.allowed_kernelspecs=standalone"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start", pytrace=False)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


FIGURE = "img"  # the frame the slider's output widget shows (a PNG)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("chapter", chapters())
def test_moving_a_slider_redraws_its_figure(lab, browser, chapter, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(90_000)
    page = context.new_page()
    try:
        # A workspace of its own, so the previous chapters' notebooks are not reopened.
        page.goto(f"{lab}/lab/workspaces/{chapter}/tree/{chapter}.ipynb?reset&token={TOKEN}")
        page.locator(".jp-Notebook").first.wait_for()
        _run_all_cells(page)
        slider = page.locator(".widget-slider, .widget-hslider").first
        slider.wait_for(state="attached")
        slider.scroll_into_view_if_needed()
        widget = slider.locator("xpath=ancestor::div[contains(@class,'widget-interact')]").first
        figure = widget.locator(FIGURE).first
        figure.wait_for()
        before = figure.get_attribute("src")
        slider.scroll_into_view_if_needed()
        slider.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([element, before]) => { const img = element.querySelector('img');"
            " return img && img.getAttribute('src') !== before; }",
            arg=[widget.element_handle(), before])
    finally:
        page.screenshot(path=str(tmp_path / f"{chapter}.png"))
        print(f"screenshot: {tmp_path / chapter}.png")
        context.close()
        _shut_down_kernels(lab)


def _run_all_cells(page) -> None:
    """Run > Run All Cells, once the kernel is connected (the status bar says
    Idle); a click that came too early runs nothing, so it is repeated."""
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for()
    for _ in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:  # the first code cell gets its execution count
            page.locator(".jp-InputPrompt", has_text="[1]").first.wait_for(state="attached", timeout=20_000)
            return
        except Exception:
            continue
    pytest.fail("Run All Cells ran nothing", pytrace=False)


def _shut_down_kernels(lab: str) -> None:
    """Each chapter's kernel goes when its test ends (two cores, seven chapters)."""
    headers = {"Authorization": f"token {TOKEN}"}
    with urllib.request.urlopen(urllib.request.Request(f"{lab}/api/kernels", headers=headers)) as answer:
        kernels = json.load(answer)
    for kernel in kernels:
        urllib.request.urlopen(urllib.request.Request(f"{lab}/api/kernels/{kernel['id']}", method="DELETE",
                                                      headers=headers))
