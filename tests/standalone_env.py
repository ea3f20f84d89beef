"""A Python environment like a hosted notebook service's: numpy, matplotlib,
ipywidgets and a kernel from the package index, at the versions the course
pins, and nothing of the course. Built once per set of versions under
``_build/standalone-env/`` and registered as the Jupyter kernel ``standalone``
in a kernels folder of its own (``kernels_dir``)."""
from __future__ import annotations

import fcntl
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("numpy", "matplotlib", "ipywidgets", "ipykernel")
KERNEL = "standalone"


def pins() -> list[str]:
    text = (ROOT / "requirements.txt").read_text()
    found = {name: re.search(rf"^{name}==(\S+)$", text, re.MULTILINE | re.IGNORECASE) for name in PACKAGES}
    missing = [name for name, match in found.items() if not match]
    if missing:
        raise RuntimeError(f"requirements.txt pins none of {missing}")
    return [f"{name}=={match.group(1)}" for name, match in found.items()]


def environment() -> Path:
    """The environment's folder (built on first use). Test files on several
    pytest workers ask for it at once: one builds it under a lock, the others
    wait for it and use it."""
    wanted = pins()
    folder = ROOT / "_build" / "standalone-env" / hashlib.sha256(" ".join(wanted).encode()).hexdigest()[:12]
    python = folder / "bin" / "python"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".complete").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            *wanted], check=True)
            (folder / ".complete").write_text("\n".join(wanted))
    return folder


def kernels_dir(into: Path) -> Path:
    """A Jupyter data folder holding only the ``standalone`` kernel (for JUPYTER_PATH)."""
    spec = into / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(environment() / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (numpy, matplotlib, ipywidgets only)", "language": "python",
        "env": {"PYTHONPATH": "", "PYTHONNOUSERSITE": "1"},
    }))
    return into
