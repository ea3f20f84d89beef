"""A Jupyter kernel that runs a submission under bubblewrap.

``install_kernelspec(into, hide=[...])`` writes a kernelspec named
``course-sandbox`` into ``into/kernels/`` (put ``into`` on JUPYTER_PATH and
pick it with ``c.Execute.kernel_name``). Its launcher is this module: run by
nbgrader in the submission's folder, it sets the memory and CPU-time limits
and replaces itself with bubblewrap running ipykernel, where

* the system is read-only and ``/tmp`` an empty tmpfs;
* every folder in ``hide`` (the course root: gradebook, ``solutions/``,
  configuration, other students) is an empty tmpfs, with only the submission
  folder (writable) and the Python environment and course packages
  (read-only) bound back;
* the environment is cleared, and the kernel has a pid namespace of its own,
  so no credential of the grader reaches the student's code, neither from its
  own environment nor from another process's ``/proc/<pid>/environ`` or
  command line.

The network is not unshared: the kernel talks to nbgrader over loopback TCP.
Interrupts are sent as messages, since a signal to bubblewrap would not reach
the kernel.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

KERNEL_NAME = "course-sandbox"
HIDE_VAR = "COURSE_SANDBOX_HIDE"
MEMORY_VAR = "COURSE_SANDBOX_MEMORY_MB"
CPU_VAR = "COURSE_SANDBOX_CPU_SECONDS"
# The student's code sees these variables and no others.
KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "TERM")
# The course's packages, read-only (they hold no references: see checks.py).
PACKAGES = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "dlcourse")


def unavailable_reason() -> str | None:
    """None when bubblewrap can sandbox a process here, else why not."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                            "--unshare-ipc", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"bubblewrap cannot run here: {probe.stderr.strip()}"
    return None


def install_kernelspec(into: Path, hide: list[Path], memory_mb: int = 2048,
                       cpu_seconds: int = 600) -> str:
    folder = into / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "grader_tests.sandbox", "-f", "{connection_file}"],
        "display_name": "Python 3 (course sandbox)",
        "language": "python",
        "interrupt_mode": "message",
        "env": {HIDE_VAR: os.pathsep.join(str(Path(p).resolve()) for p in hide),
                MEMORY_VAR: str(memory_mb), CPU_VAR: str(cpu_seconds)},
    }
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
    return KERNEL_NAME


def _outermost(paths: list[Path]) -> list[Path]:
    return [p for p in paths if not any(q != p and q in p.parents for q in paths)]


def _hidden(path: Path, hide: list[Path]) -> bool:
    return any(path == h or h in path.parents for h in hide)


def bwrap_command(submission: Path, hide: list[Path], kernel_argv: list[str]) -> list[str]:
    command = ["bwrap", "--ro-bind", "/", "/", "--tmpfs", "/tmp",
               "--proc", "/proc", "--dev", "/dev", "--unshare-ipc", "--unshare-pid", "--die-with-parent",
               "--clearenv"]
    for name in KEPT_VARIABLES:
        if name in os.environ:
            command += ["--setenv", name, os.environ[name]]
    command += ["--setenv", "HOME", "/tmp", "--setenv", "IPYTHONDIR", "/tmp/.ipython",
                "--setenv", "MPLCONFIGDIR", "/tmp/.matplotlib",
                # The environment is cleared (NBGRADER_EXECUTION with it): say
                # here that grading must not pay for slider frames.
                "--setenv", "DLCOURSE_SLIDERS", "off",
                # Parallel graders share the cores: one BLAS thread per kernel.
                "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1"]
    for root in _outermost(hide):
        command += ["--tmpfs", str(root)]
    needed = [Path(sys.prefix).resolve(), *PACKAGES]
    for path in needed:
        if path.exists() and (_hidden(path, hide) or path.is_relative_to("/tmp")):
            command += ["--ro-bind", str(path), str(path)]
    connection = Path(kernel_argv[kernel_argv.index("-f") + 1]).resolve()
    command += ["--ro-bind", str(connection), str(connection),
                "--bind", str(submission), str(submission), "--chdir", str(submission)]
    return command + ["--", *kernel_argv]


def main() -> None:
    hide = [Path(p) for p in os.environ.get(HIDE_VAR, "").split(os.pathsep) if p]
    # nbgrader starts the kernel in the submission's folder; Popen's cwd does
    # not update $PWD, so ask the system for the real path.
    submission = Path(os.getcwd()).resolve()
    memory = int(os.environ.get(MEMORY_VAR, "2048")) * 1024 * 1024
    cpu = int(os.environ.get(CPU_VAR, "600"))
    # Limits survive exec, so they bind bubblewrap and the kernel it starts.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    kernel = [sys.executable, "-m", "ipykernel_launcher", *sys.argv[1:]]
    command = bwrap_command(submission, hide, kernel)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
