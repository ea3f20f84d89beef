"""Each answer cell's filtered code, computed once in the cell's life.

Tokenizing the answers is most of the time the insight page takes (a few
milliseconds per cell, tens of thousands of cells in a large class), and a
cell's filtered code depends on its text alone. So it is kept, per chapter,
in ``insights/.filtered/<chapter>.json``, keyed by the SHA-256 of the cell's
text, with the version of the filter that made it; a rebuild filters only
cells it has not seen. Only this module writes the file; it is read back
like any file (a malformed one, or one of another version, is ignored and
rebuilt).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

CACHE_DIR = ".filtered"


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _load(path: Path, version: str) -> dict[str, str]:
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(raw, dict) or raw.get("version") != version or not isinstance(raw.get("cells"), dict):
        return {}
    return {k: v for k, v in raw["cells"].items() if isinstance(k, str) and isinstance(v, str)}


def filtered(folder: Path, chapter: str, texts: set[str], compute: Callable[[str], str],
             version: str) -> dict[str, str]:
    """Each text's filtered code (``compute``); the cache keeps exactly these texts' afterwards."""
    path = folder / CACHE_DIR / f"{chapter}.json"
    known = _load(path, version)
    known.update((key(text), compute(text)) for text in texts if key(text) not in known)
    found = {text: known[key(text)] for text in texts}
    path.parent.mkdir(parents=True, exist_ok=True)
    written = path.with_name(f".{path.name}.writing")
    written.write_text(json.dumps({"version": version, "cells": {key(t): code for t, code in found.items()}}))
    os.replace(written, path)
    return found
