"""The sandboxed kernel that runs a submission: an allow-list under bubblewrap.

``kernel_spec(limits)`` describes a kernel whose command is this module. Run
by the kernel manager in the submission's folder (nbgrader's
``autograded/<student>/<chapter>/``), the launcher sets per-process limits,
joins the whole-sandbox limits the grader created (``grader_tests.cgroups``),
sends its own output to ``/dev/null`` (nothing the student's code writes can
reach the grader's log) and replaces itself with bubblewrap running ipykernel
in a new, empty root that holds only

* the system's ``/usr`` and a few files of ``/etc`` the interpreter needs,
  the Python installation and the course's virtual environment, read-only;
* the kernel side of the grader (``grader_tests/kernel/``) and the slider
  helper the notebooks import, read-only: nothing that computes a graded
  function (``tests/test_trust_boundary.py``);
* a private working copy of the submission at ``WORKDIR`` (its regular files,
  copied in, each and all of them under a size cap) and ``/tmp``, both
  size-capped tmpfs that vanish with the kernel;
* the kernel's connection file (copied in) and its socket folder.

No course folder, gradebook, solutions, configuration, home directory, host
``/tmp`` or other student's file exists in there. The kernel runs as the
unprivileged user ``nobody`` (when grading as root; otherwise as the
instructor's own unprivileged user inside a user namespace), with no new
privileges, no capabilities, a cleared environment, its own pid, IPC, UTS
and network namespaces: the kernel talks to nbgrader over Unix sockets, so
the sandbox has no network at all, not even loopback.

Interrupts are sent as messages, since a signal to bubblewrap would not reach
the kernel. The grader reads the records the kernel writes under ``WORKDIR``
through ``/proc/<pid>/root`` of a sandboxed process (``sandbox_root``),
without following links (``grader_tests.untrusted_files``).
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec

from grader_tests.kernel import RECORD_DIR

KERNEL_NAME = "course-sandbox"
WORKDIR = "/home/student/work"
CONNECTION = "/home/student/kernel.json"
LIMITS_VAR = "COURSE_SANDBOX_LIMITS"
CGROUPS_VAR = "COURSE_SANDBOX_CGROUPS"
NOBODY = 65534
# The student's code sees these variables and no others.
KEPT_VARIABLES = ("LANG", "LC_ALL", "TERM")
COURSE_ROOT = Path(__file__).resolve().parent.parent
# All of the course the kernel may import: the recorder with its input makers,
# and the slider helper (a no-op while grading).
KERNEL_PACKAGES = (COURSE_ROOT / "grader_tests" / "kernel",
                   COURSE_ROOT / "dlcourse" / "__init__.py", COURSE_ROOT / "dlcourse" / "sliders.py")
# What the interpreter and its libraries read from /etc; nothing else of it.
# Files and folders copied into the working copy, at most (intake caps a
# submission lower; this bounds the launcher on any folder).
MAX_ENTRIES = 500
ETC_FILES = ("ld.so.cache", "localtime", "passwd", "group", "nsswitch.conf", "hosts")


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048      # the whole sandbox: every process and its tmpfs
    cpu_seconds: int = 600     # per process
    processes: int = 64        # the whole sandbox
    disk_mb: int = 256         # each of the working copy and /tmp
    file_mb: int = 64          # largest file the kernel may write

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, value: str | None) -> "Limits":
        return cls(**json.loads(value)) if value else cls()


def unavailable_reason() -> str | None:
    """None when bubblewrap can sandbox a process here, else why not."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    probe = subprocess.run(["bwrap", *_system(), "--proc", "/proc", "--dev", "/dev", "--unshare-ipc",
                            "--unshare-pid", "--unshare-net", "--size", "1048576", "--tmpfs", "/tmp",
                            "/usr/bin/true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"bubblewrap cannot run here: {probe.stderr.strip()}"
    return None


def kernel_spec(limits: Limits) -> KernelSpec:
    return KernelSpec(argv=[sys.executable, "-m", "grader_tests.sandbox", "-f", "{connection_file}"],
                      display_name="Python 3 (course sandbox)", language="python",
                      interrupt_mode="message", env={LIMITS_VAR: limits.to_env()})


# ---- the launcher: runs as the grader, in the submission's folder ----

def _mb(value: int) -> int:
    return value * 1024 * 1024


def _dirs(path: str) -> list[str]:
    """bubblewrap makes missing parents mode 0700, which ``nobody`` cannot
    enter: create each one first, readable by all."""
    parents = [str(p) for p in reversed(Path(path).parents) if str(p) != "/"]
    return [arg for p in parents for arg in ("--perms", "0755", "--dir", p)]


def _ro(path: Path) -> list[str]:
    return [*_dirs(str(path)), "--ro-bind", str(path), str(path)]


def _system() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        top = Path("/") / name
        if top.is_symlink():  # merged /usr: keep the link, not a second view
            args += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
    args += ["--perms", "0755", "--dir", "/etc"]
    for name in ETC_FILES:
        if (Path("/etc") / name).exists():
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return args


def _python() -> list[str]:
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    return [arg for path in sorted(paths) for arg in _ro(path)]


def working_copy(folder: Path, limits: Limits) -> tuple[list[str], list[int]]:
    """bubblewrap arguments that copy ``folder``'s regular files into
    ``WORKDIR``, and the descriptors they read. Links, special files and
    files over the caps stay out; nothing is followed or opened but regular
    files."""
    args, fds, total, seen = [], [], 0, 0

    def walk(directory: Path, inside: str) -> None:
        nonlocal total, seen
        with os.scandir(directory) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                seen += 1
                if seen > MAX_ENTRIES:
                    return
                target = f"{inside}/{entry.name}"
                if entry.name == RECORD_DIR:
                    # Records left by a run of the solution notebook hold the
                    # reference outputs; the kernel starts with none.
                    continue
                if entry.is_dir(follow_symlinks=False):
                    args.extend(["--perms", "1777", "--dir", target])
                    walk(Path(entry.path), target)
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                try:
                    fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                except OSError:
                    continue
                info = os.fstat(fd)
                size = info.st_size
                if not stat.S_ISREG(info.st_mode) or size > _mb(limits.file_mb) \
                        or total + size > _mb(limits.disk_mb):
                    os.close(fd)
                    continue
                total += size
                os.set_inheritable(fd, True)
                fds.append(fd)
                args.extend(["--perms", "0666", "--file", str(fd), target])

    walk(folder, WORKDIR)
    return args, fds


def bwrap_command(folder: Path, connection: Path, kernel_argv: list[str], limits: Limits,
                  run_as_nobody: bool) -> tuple[list[str], list[int]]:
    connection_fd = os.open(connection, os.O_RDONLY)
    os.set_inheritable(connection_fd, True)
    sockets = _socket_folder(connection)
    copy, fds = working_copy(folder, limits)
    # The private /tmp comes first: the environment or the course may live
    # below the host's /tmp, and their read-only binds go on top of it.
    command = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-net",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv",
               "--size", str(_mb(limits.disk_mb)), "--perms", "1777", "--tmpfs", "/tmp",
               *_system(), *_python()]
    for package in KERNEL_PACKAGES:
        if package.exists():
            command += _ro(package)
    command += ["--proc", "/proc", "--dev", "/dev",
                *_dirs(WORKDIR), "--size", str(_mb(limits.disk_mb)), "--perms", "1777", "--tmpfs", WORKDIR,
                *copy, "--perms", "0644", "--file", str(connection_fd), CONNECTION]
    if sockets:
        command += [*_dirs(str(sockets)), "--bind", str(sockets), str(sockets)]
    for name in KEPT_VARIABLES:
        if name in os.environ:
            command += ["--setenv", name, os.environ[name]]
    command += ["--setenv", "PATH", f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
                "--setenv", "HOME", "/tmp", "--setenv", "IPYTHONDIR", "/tmp/.ipython",
                "--setenv", "MPLCONFIGDIR", "/tmp/.matplotlib",
                # The environment is cleared, nbgrader's marker with it: put it
                # back, so the notebooks' slider helper draws nothing while grading.
                "--setenv", "NBGRADER_EXECUTION", "autograde",
                # Parallel graders share the cores: one BLAS thread per kernel.
                "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
                "--chdir", WORKDIR, "--"]
    if run_as_nobody:
        command += ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                    "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--"]
    return command + kernel_argv, [connection_fd, *fds]


def _socket_folder(connection: Path) -> Path | None:
    """Where an IPC-transport kernel binds its sockets (``ip`` is a path prefix)."""
    info = json.loads(connection.read_text())
    return Path(info["ip"]).parent if info.get("transport") == "ipc" else None


def _kernel_argv(argv: list[str]) -> tuple[Path, list[str]]:
    """The connection file named by ``-f``, and ipykernel's command reading its copy."""
    args = list(argv)
    position = args.index("-f") + 1
    connection = Path(args[position]).resolve()
    args[position] = CONNECTION
    return connection, [sys.executable, "-m", "ipykernel_launcher", *args]


def _set_limits(limits: Limits) -> None:
    # Per process, and inherited across exec by bubblewrap and the kernel. The
    # memory and process limits of the whole sandbox are the cgroup's.
    for limit, value in ((resource.RLIMIT_AS, _mb(limits.memory_mb)),
                         (resource.RLIMIT_CPU, limits.cpu_seconds),
                         (resource.RLIMIT_FSIZE, _mb(limits.file_mb)),
                         (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))


def _join_cgroups() -> bool:
    """Enter the cgroups the grader made for this kernel; True if it has a
    process limit there."""
    joined_pids = False
    for folder in filter(None, os.environ.get(CGROUPS_VAR, "").split(os.pathsep)):
        (Path(folder) / "cgroup.procs").write_text(str(os.getpid()))
        joined_pids |= (Path(folder) / "pids.max").exists()
    return joined_pids


def main() -> None:
    limits = Limits.from_env(os.environ.get(LIMITS_VAR))
    # nbgrader starts the kernel in the submission's folder; Popen's cwd does
    # not update $PWD, so ask the system for the real path.
    folder = Path(os.getcwd()).resolve()
    has_pids_cgroup = _join_cgroups()
    _set_limits(limits)
    if not has_pids_cgroup:  # per user: shared by the kernels graded at once
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    connection, kernel = _kernel_argv(sys.argv[1:])
    command, _ = bwrap_command(folder, connection, kernel, limits, run_as_nobody=os.geteuid() == 0)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.execvp(command[0], command)


# ---- grader side: finding the sandbox's filesystem ----

def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:
        pass
    return found


def sandbox_root(launcher_pid: int) -> Path | None:
    """``/proc/<pid>/root`` of the first process below the launcher that lives
    in the sandbox's own mount namespace (bubblewrap's first process stays
    outside), or None when it is gone."""
    ours = os.readlink("/proc/self/ns/mnt")
    queue = [launcher_pid]
    while queue:
        pid = queue.pop(0)
        try:
            if os.readlink(f"/proc/{pid}/ns/mnt") != ours:
                return Path(f"/proc/{pid}/root")
        except OSError:
            continue
        queue += _children(pid)
    return None


if __name__ == "__main__":
    main()
