"""Generate the student notebooks in exercises/ from solutions/ with nbgrader.

    python -m dlcourse.release              # every chapter, into exercises/
    python -m dlcourse.release --into DIR   # somewhere else (the tests diff it)

First it writes the slider helper (``dlcourse/notebook_sliders.py``) into the
setup cell of every solution notebook, so each notebook a student gets runs,
sliders included, without the course's package.

nbgrader runs in a scratch course folder, so no gradebook is left in the
checkout; the output is deterministic, which lets a test regenerate it and
fail on any difference from what is committed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent.parent


def chapters(root: Path = COURSE_ROOT) -> list[str]:
    return sorted(p.name for p in (root / "solutions").iterdir()
                  if (p / f"{p.name}.ipynb").exists())


def nbgrader_env() -> dict:
    """nbgrader starts alembic as a subprocess: the venv's bin/ must be on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


SLIDERS_BEGIN = "# ---- sliders: written by `python -m dlcourse.release` from dlcourse/notebook_sliders.py ----"
SLIDERS_END = "# ---- end of sliders ----"


def sliders_block() -> str:
    code = (COURSE_ROOT / "dlcourse" / "notebook_sliders.py").read_text()
    code = code[code.index("\nimport io\n") + 1:].rstrip()  # the code, without the docstring
    return f"{SLIDERS_BEGIN}\n{code}\n\n\nshow = live_sliders\n{SLIDERS_END}"


def with_sliders(setup: str) -> str:
    """The setup cell's code with the current slider helper at its end."""
    if SLIDERS_BEGIN in setup:
        before, _, rest = setup.partition(SLIDERS_BEGIN)
        setup = before + rest.partition(SLIDERS_END)[2]
    return f"{setup.strip()}\n\n\n{sliders_block()}"


def embed_sliders(root: Path = COURSE_ROOT) -> list[str]:
    """Brings every solution notebook's setup cell up to date; returns the chapters changed."""
    import nbformat

    changed = []
    for chapter in chapters(root):
        path = root / "solutions" / chapter / f"{chapter}.ipynb"
        nb = nbformat.read(path, as_version=4)
        setup = next(cell for cell in nb.cells if "setup" in cell.metadata.get("tags", []))
        if setup.source != with_sliders(setup.source):
            setup.source = with_sliders(setup.source)
            nbformat.write(nb, path)
            changed.append(chapter)
    return changed


def generate(into: Path, names: list[str] | None = None) -> None:
    into = into.resolve()
    with tempfile.TemporaryDirectory(prefix="release-") as scratch:
        scratch = Path(scratch)
        shutil.copy(COURSE_ROOT / "nbgrader_config.py", scratch)
        shutil.copytree(COURSE_ROOT / "solutions", scratch / "solutions",
                        ignore=shutil.ignore_patterns(".grader_records", ".ipynb_checkpoints"))
        for name in names or chapters():
            subprocess.run(
                [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force",
                 "--log-level=WARN", f"--CourseDirectory.release_directory={into}"],
                cwd=scratch, env=nbgrader_env(), check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=COURSE_ROOT / "exercises")
    parser.add_argument("chapters", nargs="*", help="default: every chapter in solutions/")
    args = parser.parse_args()
    if changed := embed_sliders():
        print(f"slider helper updated in solutions/ of {', '.join(changed)}")
    generate(args.into, args.chapters or None)
    print(f"student notebooks written to {args.into}")


if __name__ == "__main__":
    main()
