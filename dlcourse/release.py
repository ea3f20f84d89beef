"""Generate the student notebooks in exercises/ from solutions/ with nbgrader.

    python -m dlcourse.release              # every chapter, into exercises/
    python -m dlcourse.release --into DIR   # somewhere else (the tests diff it)

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
    generate(args.into, args.chapters or None)
    print(f"student notebooks written to {args.into}")


if __name__ == "__main__":
    main()
