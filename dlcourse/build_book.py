"""Build the HTML book into _build/html, offline-ready.

Run from the repository root:  python -m dlcourse.build_book   (or `make book`)

1. checks that Node.js and npm are installed (they fetch the vendored JavaScript);
2. runs `npm ci` in book/vendor when package-lock.json changed since the last
   install, then copies the files the pages load (MathJax 3, the widget manager)
   into book/vendor/static, which _config.yml serves as html_static_path;
3. runs the reading pages whose code changed, one kernel per core, into the
   execution cache (``execute_pages_in_parallel``);
4. runs `jupyter-book build . -W -n --keep-going` (warnings are errors), with
   the launch buttons left out while _config.yml names no repository
   (``launch_config``).

Exit status is non-zero when any step fails.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path.cwd()
VENDOR = ROOT / "book" / "vendor"
MODULES = VENDOR / "node_modules"
STATIC = VENDOR / "static"
STAMP = MODULES / ".dlcourse-installed"

# (source inside node_modules, destination inside static/): what the pages load.
VENDORED = [
    ("mathjax/es5/tex-chtml.js", "mathjax/tex-chtml.js"),
    ("mathjax/es5/input/tex/extensions", "mathjax/input/tex/extensions"),
    ("mathjax/es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
    ("@jupyter-widgets/html-manager/dist/embed.js", "widgets/embed.js"),
    ("@jupyter-widgets/html-manager/dist/embed.js.LICENSE.txt", "widgets/embed.js.LICENSE.txt"),
    ("mathjax/LICENSE", "mathjax/LICENSE"),
]
# embed.js loads its icon fonts from files beside it
WIDGET_ASSETS = ("*.woff2", "*.woff")  # browsers take the first format they support

NODE_HELP = """\
Node.js and npm are needed to fetch MathJax and the widget manager
(the book serves them itself so it works offline). Install them, then re-run:
  Debian/Ubuntu:  sudo apt-get install nodejs npm
  macOS:          brew install node
  Windows/other:  the installer from the Node.js website (version 18 or newer)"""


class BuildError(Exception):
    """A step failed; the message says which and why."""


def say(msg: str) -> None:
    print(f"[book] {msg}", flush=True)


def check_node() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        raise BuildError(f"{' and '.join(missing)} not found on PATH.\n{NODE_HELP}")


def _lock_digest() -> str:
    h = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        h.update((VENDOR / name).read_bytes())
    h.update(repr(VENDORED).encode())
    return h.hexdigest()


def install_vendor() -> None:
    """npm ci + copy into static/, skipped when the lockfile is unchanged."""
    if not (VENDOR / "package-lock.json").is_file():
        raise BuildError(f"{VENDOR / 'package-lock.json'} is missing; run from the repository root")
    digest = _lock_digest()
    if STAMP.is_file() and STAMP.read_text().strip() == digest and STATIC.is_dir():
        say("vendored JavaScript up to date (package-lock.json unchanged)")
        return
    check_node()
    say("npm ci in book/vendor (package-lock.json changed or first build)")
    cmd = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    result = subprocess.run(cmd, cwd=VENDOR)
    if result.returncode != 0:
        raise BuildError(f"`{' '.join(cmd)}` failed in {VENDOR} (exit {result.returncode})")

    if STATIC.exists():
        shutil.rmtree(STATIC)
    for src_rel, dst_rel in VENDORED:
        src, dst = MODULES / src_rel, STATIC / dst_rel
        if not src.exists():
            raise BuildError(f"{src} not found after npm ci; check book/vendor/package.json")
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    dist = MODULES / "@jupyter-widgets/html-manager/dist"
    for pattern in WIDGET_ASSETS:
        for asset in dist.glob(pattern):
            shutil.copy2(asset, STATIC / "widgets" / asset.name)
    STAMP.write_text(digest + "\n")
    size = sum(p.stat().st_size for p in STATIC.rglob("*") if p.is_file())
    say(f"vendored files copied to book/vendor/static ({size / 1e6:.1f} MB)")


def warm_matplotlib() -> None:
    """Build matplotlib's font cache now, so its one-time notice on stderr does
    not land in a page's output (stderr output is a build warning, i.e. an error)."""
    subprocess.run(
        [sys.executable, "-c", "import matplotlib.font_manager"],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def jupyter_book_command() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-book")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("jupyter-book")
    if found:
        return [found]
    raise BuildError(
        "jupyter-book not found; create the environment with `make venv` "
        "(pip install -r requirements.txt)"
    )


def launch_config() -> list[str]:
    """``--config`` arguments for jupyter-book: none when _config.yml names the
    course's repository; otherwise a copy of it without launch-button targets
    (a Binder or Colab button needs a repository to open, and the theme fails
    on an empty one), written to _build/ only when it changes."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    if (config.get("repository") or {}).get("url"):
        return []
    buttons = config.get("launch_buttons") or {}
    config["launch_buttons"] = {key: value for key, value in buttons.items() if not key.endswith("_url")}
    path = ROOT / "_build" / "_config.yml"
    text = "# _config.yml without launch buttons (no repository.url); written by dlcourse.build_book\n" + \
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    if not path.is_file() or path.read_text() != text:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    return ["--config", str(path)]


def execution_timeout() -> int:
    """Seconds a page's cell may run: _config.yml's execute.timeout, as jupyter-book applies it."""
    import yaml

    return int(yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"])


def execute_pages_in_parallel() -> None:
    """Run the reading pages whose code has no cached outputs yet, one kernel
    per core, into the execution cache that jupyter-book reads (the cache is
    keyed by the pages' code): jupyter-book would run them one after another.
    A page that fails here is left to jupyter-book, which runs it again and
    reports the error as the build's."""
    pages = [page for page in sorted((ROOT / "book").glob("*.md")) if "```{code-cell}" in page.read_text()]
    checked = ROOT / "_build" / ".jupyter_cache" / ".pages-checked"
    if checked.exists() and all(page.stat().st_mtime <= checked.stat().st_mtime for page in pages):
        return  # no page changed since the last check: nothing to run
    # jupyter-cache takes a second to import: only when a page changed.
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(checked.parent))
    for page in pages:
        cache.add_nb_to_project(str(page), read_data={"name": "myst_nb_md", "type": "plugin"})
    stale = [record.uri for record in cache.list_unexecuted()]
    if stale:
        say(f"running {len(stale)} reading pages in parallel")
        executor = load_executor("local-parallel", cache, logger=logging.getLogger("jupyter-cache"))
        with stderr_kept() as kept:  # the kernels' start-up notices; jupyter-book reports real errors
            result = executor.run_and_cache(filter_uris=stale, timeout=execution_timeout())
        if result.errored or result.excepted:
            say(f"{len(result.errored) + len(result.excepted)} pages failed here; jupyter-book runs them again")
            sys.stderr.write(kept.read_text(errors="replace")[-5000:])
    checked.touch()


@contextmanager
def stderr_kept():
    """This process's stderr, and that of the processes it starts meanwhile, into a file."""
    with tempfile.TemporaryDirectory() as folder:
        kept = Path(folder) / "stderr"
        saved = os.dup(2)
        with open(kept, "wb") as file:
            os.dup2(file.fileno(), 2)
            try:
                yield kept
            finally:
                os.dup2(saved, 2)
                os.close(saved)


def build_html() -> None:
    cmd = jupyter_book_command() + ["build", ".", "--builder", "html", "-W", "-n", "--keep-going",
                                    *launch_config()]
    say("jupyter-book build . -W -n --keep-going")
    result = subprocess.run(cmd, cwd=ROOT)
    index = ROOT / "_build" / "html" / "index.html"
    if result.returncode != 0:
        raise BuildError(f"jupyter-book build failed (exit {result.returncode}); see the warnings above")
    if not index.is_file():
        raise BuildError(f"the build finished but {index} is missing")


def main(argv: list[str] | None = None) -> int:
    if not (ROOT / "_config.yml").is_file() or not (ROOT / "_toc.yml").is_file():
        print("error: run this from the repository root (where _config.yml is)", file=sys.stderr)
        return 2
    start = time.monotonic()
    try:
        install_vendor()
        warm_matplotlib()
        execute_pages_in_parallel()
        build_html()
    except BuildError as exc:
        print(f"[book] {exc}" if str(exc).startswith("error") else f"[book] error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("[book] interrupted", file=sys.stderr)
        return 130
    say(f"done in {time.monotonic() - start:.1f} s: open _build/html/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
