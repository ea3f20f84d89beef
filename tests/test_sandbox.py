"""The sandboxed kernel, probed from inside by notebooks that try what a
hostile submission would: every probe here passes only because of one
mechanism of grader_tests.sandbox or grader_tests.cgroups."""
from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader_tests import cgroups, sandbox
from grader_tests.preprocessors import ALLOW_UNSANDBOXED_VAR, LIMIT_HIT, TrustedExecute

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sandbox.unavailable_reason() is not None,
                                reason=f"no sandbox here: {sandbox.unavailable_reason()}")
SMALL = sandbox.Limits(memory_mb=768, cpu_seconds=30, processes=32, disk_mb=32, file_mb=8)


def run(folder: Path, *sources: str, limits: sandbox.Limits = SMALL, timeout: int = 30):
    """Execute the cells as grading does, in ``folder``; the executed notebook."""
    nb = new_notebook(cells=[new_code_cell(textwrap.dedent(s)) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    os.environ[sandbox.LIMITS_VAR] = limits.to_env()
    try:
        TrustedExecute(timeout=timeout).preprocess(
            nb, {"metadata": {"path": str(folder)}, "nbgrader": {"assignment": "x", "student": "s"}})
    finally:
        del os.environ[sandbox.LIMITS_VAR]
    return nb


def text(nb, index: int) -> str:
    return "".join(o.get("text", "") + f"{o.get('ename', '')}: {o.get('evalue', '')}"
                   * (o.output_type == "error") for o in nb.cells[index].outputs)


def probe(tmp_path: Path, expression: str, **kwargs):
    """The value of ``expression`` evaluated in the sandbox."""
    printed = text(run(tmp_path, f"import os, sys\nprint(repr(({expression})))", **kwargs), 0)
    return ast.literal_eval(printed.strip())


def test_the_kernel_sees_only_the_allow_list(tmp_path):
    secret = Path("/tmp") / f"host-tmp-{os.getpid()}.txt"
    secret.write_text("instructor")
    home = Path.home() / f".course-test-{os.getpid()}"
    home.write_text("instructor")
    try:
        paths = [str(ROOT / "solutions"), str(ROOT / "nbgrader_config.py"), str(ROOT / "grader_tests" / "judge.py"),
                 str(ROOT / "grader_tests" / "chapters"), str(ROOT / "grader_tests" / "reference.py"),
                 str(ROOT / "dlcourse" / "release.py"), str(secret), str(home), "/etc/shadow", "/root/.bashrc",
                 str(tmp_path.parent)]
        seen = probe(tmp_path, f"[p for p in {paths!r} if os.path.exists(p)]")
        assert seen == []
        # Besides the system, only the top folders of the Python installation,
        # the virtual environment and the course (holding just the kernel package).
        tops = {Path(p).resolve().parts[1] for p in (sys.base_prefix, sys.prefix, ROOT)}
        expected = {"bin", "dev", "etc", "home", "lib", "lib64", "proc", "sbin", "tmp", "usr"} | tops
        assert probe(tmp_path, "sorted(os.listdir('/'))") == sorted(
            name for name in expected if name in {"dev", "etc", "home", "proc", "tmp"} | tops
            or (Path("/") / name).exists())
        assert probe(tmp_path, "sorted(os.listdir('/etc'))") == sorted(
            name for name in sandbox.ETC_FILES if (Path("/etc") / name).exists())
    finally:
        secret.unlink()
        home.unlink()


def test_the_kernel_runs_unprivileged_alone_and_offline(tmp_path):
    status = probe(tmp_path, "open('/proc/self/status').read()")
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    assert fields["CapEff"].strip() == "0000000000000000"
    assert fields["NoNewPrivs"].strip() == "1"
    if os.geteuid() == 0:
        assert fields["Uid"].split()[0] == str(sandbox.NOBODY)
    # Its own pid namespace: the sandbox's init, the kernel and what it started.
    assert probe(tmp_path, "len([p for p in os.listdir('/proc') if p.isdigit()])") <= 3
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    try:
        port = server.getsockname()[1]
        result = probe(tmp_path, f"__import__('socket').socket().connect_ex(('127.0.0.1', {port}))")
        assert result != 0  # no route to the host's loopback services
    finally:
        server.close()


def test_the_working_copy_is_private_and_holds_only_regular_files(tmp_path):
    submission = tmp_path / "sub"
    submission.mkdir()
    (submission / "data.txt").write_text("mine")
    (submission / "big.bin").write_bytes(b"x" * (SMALL.file_mb * 1024 * 1024 + 1))
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor")
    secret.chmod(0o600)
    (submission / "link.txt").symlink_to(secret)
    (submission / "folder_link").symlink_to(tmp_path)
    os.mkfifo(submission / "pipe")
    listing = probe(submission, "sorted(os.listdir('.')), open('data.txt').read()")
    assert listing == (['data.txt'], 'mine')
    before = sorted(p.name for p in submission.iterdir())
    run(submission, "open('new.txt', 'w').write('x'); open('data.txt', 'w').write('changed')")
    assert sorted(p.name for p in submission.iterdir()) == before
    assert (submission / "data.txt").read_text() == "mine"
    assert secret.read_text() == "instructor" and (secret.stat().st_mode & 0o777) == 0o600


def test_disk_is_capped_in_the_working_copy_and_tmp(tmp_path):
    fill = """
    import errno
    try:
        for i in range(100):
            open(f'{folder}/f{{i}}', 'wb').write(b'x' * (4 * 1024 * 1024))
        print('unbounded')
    except OSError as error:
        print(errno.errorcode[error.errno])
    """
    nb = run(tmp_path, fill.format(folder="/tmp"), fill.format(folder="."),
             "import shutil; shutil.rmtree('/tmp', ignore_errors=True)\n"
             "open('/tmp/one', 'wb').write(b'x' * (16 * 1024 * 1024))")
    assert text(nb, 0).strip() == "ENOSPC"
    assert text(nb, 1).strip() == "ENOSPC"
    assert "File too large" in text(nb, 2)  # one file over file_mb


@pytest.mark.skipif("cgroup" not in cgroups.mechanisms()["memory"], reason="no memory cgroup here")
def test_memory_is_limited_for_the_whole_sandbox_and_named(tmp_path, capfd):
    children = """
    import subprocess, sys
    hog = "b = bytearray(400 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(3)"
    print([p.wait() for p in [subprocess.Popen([sys.executable, '-c', hog]) for _ in range(3)]])
    """
    nb = run(tmp_path, children, "print('still here')")
    codes = json.loads(text(nb, 0))
    assert -9 in codes  # 1.2 GB in three processes of 400 MB: over 768 MB together
    assert text(nb, 1).strip() == "still here"


@pytest.mark.skipif("cgroup" not in cgroups.mechanisms()["processes"], reason="no pids cgroup here")
def test_processes_are_limited_for_the_whole_sandbox(tmp_path):
    forks = """
    import os, time
    started = 0
    try:
        for _ in range(200):
            if os.fork() == 0:
                time.sleep(2)
                os._exit(0)
            started += 1
    except OSError:
        pass
    print(started)
    """
    assert int(text(run(tmp_path, forks), 0)) < SMALL.processes


@pytest.mark.skipif("cgroup" not in cgroups.mechanisms()["memory"], reason="no memory cgroup here")
def test_a_kernel_killed_for_memory_names_the_limit(tmp_path):
    tmpfs_hog = """
    import os
    for i in range(1000):  # tmpfs pages count against the sandbox's memory
        b = bytearray(200 * 1024 * 1024)
        b[::4096] = b'x' * len(b[::4096])
        globals()[f'keep{i}'] = b
    """
    nb = run(tmp_path, tmpfs_hog, "print('not reached')",
             limits=sandbox.Limits(memory_mb=600, cpu_seconds=30, processes=32, disk_mb=32, file_mb=8))
    assert f"{LIMIT_HIT} memory" in text(nb, 0) or "MemoryError" in text(nb, 0)


def test_nothing_the_kernel_prints_reaches_the_graders_streams(tmp_path):
    script = f"""
import os, sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_sandbox import run
from pathlib import Path
run(Path({str(tmp_path)!r}), "import os; os.write(1, b'FORGED-OUT'); os.write(2, b'FORGED-ERR'); "
    "import subprocess; subprocess.run('echo FORGED-CHILD >&2', shell=True)")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "FORGED" not in done.stdout + done.stderr


def test_without_bubblewrap_grading_refuses_unless_told(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on it
    import grader_tests.preprocessors as preprocessors
    preprocessors._sandbox_unavailable.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="grader_tests.grade_class"):
            run(tmp_path, "print(1)")
        monkeypatch.setenv(ALLOW_UNSANDBOXED_VAR, "1")
        monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]))
        monkeypatch.setattr(preprocessors.sandbox, "unavailable_reason", lambda: "told so by the test")
        preprocessors._sandbox_unavailable.cache_clear()
        assert text(run(tmp_path, "print(6 * 7)"), 0).strip() == "42"
    finally:
        preprocessors._sandbox_unavailable.cache_clear()


def test_output_past_the_limit_is_dropped_as_it_arrives(tmp_path):
    nb = run(tmp_path, "for _ in range(300):\n    print('y' * 100_000)", "print('after')")
    kept = sum(len(o.get("text", "")) for o in nb.cells[0].outputs)
    assert kept <= TrustedExecute.max_output_chars.default_value + 200
    assert "the rest of this cell's output was dropped" in text(nb, 0)
    assert text(nb, 1).strip() == "after"


def test_a_course_or_environment_below_tmp_stays_visible(tmp_path):
    # The private /tmp is mounted before the read-only binds, so a course
    # cloned below the host's /tmp (as CI may do) is not hidden under it.
    connection = tmp_path / "kernel.json"
    connection.write_text(json.dumps({"transport": "tcp", "ip": "127.0.0.1"}))
    command, fds = sandbox.bwrap_command(tmp_path, connection, ["python"], SMALL, run_as_nobody=False)
    for fd in fds:
        os.close(fd)
    tmpfs = next(i for i in range(len(command)) if command[i:i + 2] == ["--tmpfs", "/tmp"])
    binds = [i for i, arg in enumerate(command) if arg == "--ro-bind"]
    assert binds and tmpfs < min(binds)


def test_sliders_draw_nothing_while_grading(tmp_path):
    """The notebooks' own slider helper (from their setup cell) returns at once in
    the sandbox: no widget, and neither ipywidgets nor matplotlib imported."""
    from dlcourse.release import sliders_block

    code = (sliders_block() + "\nresult = show(lambda fig, a: None, a=[1.0, 2.0])\n"
            "import sys\nprint(repr((result, 'ipywidgets' in sys.modules, 'matplotlib' in sys.modules)))")
    printed = text(run(tmp_path, code), 0)
    assert ast.literal_eval(printed.strip()) == (None, False, False)
