"""Memory and process limits for everything one sandboxed kernel starts, together.

Per-process limits (``ulimit``) let a submission multiply its memory by
starting children and by filling a tmpfs. A control group counts them all:
``KernelLimits.create`` makes one per kernel, under the grading process's own
cgroup, with cgroup v2's ``memory.max`` and ``pids.max`` where the machine
delegates those controllers, else cgroup v1's memory and pids hierarchies;
the launcher joins it before it starts bubblewrap (``grader_tests.sandbox``).
Where neither can be written (an unprivileged instructor on most machines),
``mechanisms()`` says which limits fell back to per-process ones, and the
report says so.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PER_PROCESS = {"memory": "per process (RLIMIT_AS; children and tmpfs not counted together)",
               "processes": "per user (RLIMIT_NPROC; shared by the kernels graded at once)"}


def _own_paths() -> dict[str, str]:
    """This process's cgroup path per hierarchy: '' for v2, else the v1 controller."""
    paths = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            paths[name] = path
    return paths


def _v2_base() -> Path | None:
    path = _own_paths().get("")
    for mount in (ROOT, ROOT / "unified"):
        base = mount / path.lstrip("/") if path is not None else None
        if base and (base / "cgroup.subtree_control").exists():
            enabled = (base / "cgroup.subtree_control").read_text().split()
            if {"memory", "pids"} <= set(enabled) and os.access(base, os.W_OK):
                return base
    return None


def _v1_bases() -> dict[str, Path]:
    own = _own_paths()
    bases = {}
    for controller in ("memory", "pids"):
        base = ROOT / controller / own.get(controller, "/").lstrip("/")
        # The hierarchy's root has no limit files of its own, only its children.
        if (base / "cgroup.procs").exists() and os.access(base, os.W_OK):
            bases[controller] = base
    return bases


def mechanisms() -> dict[str, str]:
    """How the memory and the process count of a whole sandbox are limited here."""
    if _v2_base():
        return {"memory": "cgroup v2 memory.max", "processes": "cgroup v2 pids.max"}
    v1 = _v1_bases()
    return {"memory": "cgroup v1 memory.limit_in_bytes" if "memory" in v1 else PER_PROCESS["memory"],
            "processes": "cgroup v1 pids.max" if "pids" in v1 else PER_PROCESS["processes"]}


def _write(path: Path, value) -> bool:
    try:
        path.write_text(str(value))
        return True
    except OSError:
        return False


@dataclass
class KernelLimits:
    """The cgroup folders of one kernel (none where cgroups are unavailable)."""

    folders: list[Path]

    @classmethod
    def create(cls, name: str, memory_bytes: int, processes: int) -> "KernelLimits":
        folders = []
        if base := _v2_base():
            folder = base / name
            folder.mkdir(exist_ok=True)
            _write(folder / "memory.max", memory_bytes)
            _write(folder / "memory.swap.max", 0)
            _write(folder / "pids.max", processes)
            folders.append(folder)
        else:
            for controller, base in _v1_bases().items():
                folder = base / name
                try:
                    folder.mkdir(exist_ok=True)
                except OSError:
                    continue
                if controller == "memory":
                    _write(folder / "memory.limit_in_bytes", memory_bytes)
                    _write(folder / "memory.memsw.limit_in_bytes", memory_bytes)
                else:
                    _write(folder / "pids.max", processes)
                folders.append(folder)
        return cls(folders)

    def env_value(self) -> str:
        return os.pathsep.join(str(f) for f in self.folders)

    def hit(self) -> list[str]:
        """Which whole-sandbox limits the kernel ran into."""
        hits = []
        for folder in self.folders:
            for name, events, key in (("memory", "memory.events", "oom_kill"),
                                      ("memory", "memory.oom_control", "oom_kill"),
                                      ("processes", "pids.events", "max")):
                counts = _counts(folder / events)
                if counts.get(key, 0) > 0 and name not in hits:
                    hits.append(name)
        return hits

    def remove(self) -> None:
        """Delete the folders once their processes are gone (the kernel's pid
        namespace ends them all when it is killed)."""
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _counts(path: Path) -> dict[str, int]:
    try:
        pairs = (line.split() for line in path.read_text().splitlines())
        return {p[0]: int(p[1]) for p in pairs if len(p) == 2 and p[1].isdigit()}
    except OSError:
        return {}
