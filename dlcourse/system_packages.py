"""Install the Debian packages the course needs outside Python.

    python -m dlcourse.system_packages chromium bubblewrap

``ensure(packages)`` installs whichever of the given Debian packages are
missing, with ``apt-get update`` + ``apt-get install -y``, when running as
root; otherwise it raises :class:`MissingSystemPackages` with the command to run.
Used for ``chromium`` (the headless browser test of the book) and
``bubblewrap`` (the grading sandbox).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# A program that proves the package is installed, where one is obvious; it is
# checked first so non-Debian systems that have the program pass too.
PROGRAMS = {"chromium": "chromium", "bubblewrap": "bwrap", "nodejs": "node", "npm": "npm"}


class MissingSystemPackages(RuntimeError):
    """Some packages are missing and could not be installed here."""


def is_installed(package: str) -> bool:
    program = PROGRAMS.get(package)
    if program and shutil.which(program):
        return True
    if shutil.which("dpkg-query") is None:
        return False
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0 and result.stdout.strip().endswith("installed")


def missing(packages: list[str]) -> list[str]:
    return [p for p in packages if not is_installed(p)]


def ensure(packages: list[str], *, quiet: bool = False) -> list[str]:
    """Install the missing ones of ``packages``; return the names installed."""
    todo = missing(list(packages))
    if not todo:
        return []
    command = "apt-get update && apt-get install -y " + " ".join(todo)
    if shutil.which("apt-get") is None:
        raise MissingSystemPackages(
            f"missing system packages: {', '.join(todo)}. This is not a Debian/Ubuntu "
            f"system (no apt-get): install them with your system's package manager."
        )
    if os.geteuid() != 0:
        raise MissingSystemPackages(
            f"missing system packages: {', '.join(todo)}. Install them as root:\n"
            f"  sudo sh -c '{command}'"
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    out = subprocess.DEVNULL if quiet else None
    if not quiet:
        print(f"[system] installing {', '.join(todo)} with apt-get", flush=True)
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", *todo]):
        result = subprocess.run(cmd, env=env, stdout=out)
        if result.returncode != 0:
            raise MissingSystemPackages(f"`{' '.join(cmd)}` failed (exit {result.returncode})")
    still = missing(todo)
    if still:
        raise MissingSystemPackages(f"apt-get finished but these are still missing: {', '.join(still)}")
    return todo


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    try:
        installed = ensure(argv)
    except MissingSystemPackages as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if installed:
        print(f"[system] installed: {', '.join(installed)}")
    else:
        print(f"[system] already present: {', '.join(argv)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
