"""One hostile class, graded with the real instructor command next to honest students.

A single course (chapter 01_nonlinearity, 26 points) holds honest students
(correct, untouched stub, a known mistake, a function returning strings) and
one attacker per protection, most of them with otherwise correct work, so
that an exact expected score shows the attack neither helped them nor broke
their grading. ``python -m grader_tests.grade_class`` grades it once, an LMS
download with a nested zip and a zip bomb included, with HOME pointing at a
fake home that holds a download and a key. Afterwards every score is exact,
each attacker over a limit or holding links is flagged with its reason and
the honest students are not, the course's solutions and configuration, the
honest students' submissions, an instructor's 0600 file outside the course
and the fake home are unchanged byte for byte, nothing of them reached
autograded/ or feedback/, nothing the kernels printed reached the grader's
streams or log, no process is left and the gradebook holds exactly the
expected students. A second, small course is graded with stock ``nbgrader
autograde``: its kernels are sandboxed too, and a submission holding links
is refused.

The sandboxed kernel's working copy vanishes with it, so the attackers report
what they saw by printing; the tests read those lines in the graded notebooks.
Reference records left in solutions/ by a run of the solution notebook
never reach a kernel, and a submission that fills its disk is flagged.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_markdown_cell
from nbgrader.api import Gradebook

import simulated_class as sim
from dlcourse.release import nbgrader_env
from grader_tests import cgroups
from grader_tests.submissions import MAX_FILE_BYTES
from test_autograde_e2e import CHAPTERS
from test_grade_class import CHAPTER, LIMITS, ROOT, TOTAL, at_end, running_commands, scores
from test_intake import sparse
from test_lms_zip import nested_zip, write_zip

pytestmark = pytest.mark.timeout(900, method="signal")

NOTEBOOK = f"{CHAPTER}.ipynb"
DISK_MB = 64
RUN_LIMITS = [*LIMITS, "--disk-mb", str(DISK_MB)]
TOKEN = uuid.uuid4().hex[:12]
# What each secret file holds; none may reach autograded/ or feedback/.
SECRETS = {name: f"{name.upper()}-SECRET-{TOKEN}" for name in
           ("instructor", "home", "solutions", "config", "classmate")}
FORGED_PROGRESS = f"[1/1] victim/{CHAPTER} graded"
FORGED_LOG = f"[AutogradeApp | INFO] FORGED-{TOKEN} victim scored 21/21"
LEFT_RUNNING = f"sleep {4000 + int(TOKEN[:4], 16) % 1000}"  # the fork bomb's children
MEMORY_CHILD = f"MEMHOG-{TOKEN}"
NEWLINE_ID, HTML_ID, FORMULA_ID = "bob\n| eve | 21 |", "<img src=x onerror=alert(1)>", "=SUM(1+2)"


def check_points() -> dict[str, float]:
    nb = nbformat.read(ROOT / "solutions" / CHAPTER / NOTEBOOK, as_version=4)
    return {c.metadata.nbgrader.grade_id: float(c.metadata.nbgrader.points) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


POINTS = check_points()
FUNCTIONS = list(sim.solution_sources(CHAPTER))  # a solution cell's grade id is its function's name


def losing(*checks: str) -> float:
    """The chapter's total less the points of these test cells."""
    return sum(POINTS.values()) - sum(POINTS[check] for check in checks)


# Derived from the notebook's point values, never from the grader's output.
EXPECTED = {
    # honest students
    "correct": TOTAL,
    "stub": 0.0,
    "partly_wrong": losing("test_relu_grad", "test_sigmoid_stable", "test_elu", "test_silu_stable"),
    "stringy": losing("test_threshold_unit", "test_xor_network"),
    # collected from the LMS download
    "zip_alice": TOTAL,
    "zip_bob": losing("test_relu_grad", "test_sigmoid_stable", "test_elu", "test_silu_stable"),
    # attackers
    "snoop": TOTAL,
    "memory_hog": TOTAL,
    "fork_bomb": TOTAL,
    "disk_filler": TOTAL,
    "hangs": TOTAL,
    "linker": TOTAL,
    "kernel_linker": TOTAL,
    "importer": 0.0,
    "record_attacker": losing("test_relu", "test_relu_grad", "test_tanh"),
    "record_thief": losing("test_maxout"),
    "forger": TOTAL,
    "scripter": TOTAL,
}
HONEST = ["correct", "stub", "partly_wrong", "stringy", "zip_alice", "zip_bob"]
# The report's reason for each attacker over a limit or holding links.
FLAGS = {
    "hangs": "timeout: a cell ran longer than the time limit",
    "memory_hog": "hit the sandbox's limit on memory",
    "fork_bomb": "hit the sandbox's limit on processes",
    "linker": "quarantined",
}
PARTLY_WRONG = CHAPTERS[CHAPTER].wrong_answers
STRINGY = {
    # copied from the docstring's text instead of written as arrays
    "xor_network": 'def xor_network():\n    return "[[1, 1], [1, 1]]", "[0, -1]", "[[1], [-2]]", "[-0.5]"',
    "threshold_unit_best_accuracy": (
        "def threshold_unit_best_accuracy(X, y, grid):\n"
        "    w1, w2, b = np.meshgrid(grid, grid, grid, indexing='ij')\n"
        "    scores = X[:, :1] * w1.ravel() + X[:, 1:] * w2.ravel() + b.ravel()\n"
        "    return f'{((scores > 0) == (y[:, None] > 0.5)).mean(axis=0).max():.2f}'"),
}
# Passes the self-check (its biases are zero there) and fails the hidden test.
MAXOUT_WITHOUT_BIASES = {"maxout": "def maxout(x, W, b):\n    return (x @ W).max(axis=0)"}


def code(template: str, **values) -> str:
    """Student code: the template with each __NAME__ replaced by the value's repr."""
    for name, value in values.items():
        template = template.replace(f"__{name}__", repr(value))
    return template.strip() + "\n"


SNOOP = '''
import json, os, resource, socket

def grader_processes():
    # pid 1 is the sandbox's own init; any other process but this kernel is the grader's.
    others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]
    if not others:
        raise LookupError("no other process visible")
    return [open(f"/proc/{p}/cmdline", "rb").read() for p in others]

def read(path):
    with open(path, "rb") as file:
        data = file.read()
    return data[:150] + data[-150:]

def connect():
    socket.create_connection(("127.0.0.1", __PORT__), timeout=3).close()
    return "connected"

attempts = {name: (lambda path=path: read(path)) for name, path in __PATHS__.items()}
attempts.update({
    "write_classmate": lambda: open(__PATHS__["classmate"], "a").write("x"),
    "list_course": lambda: os.listdir(__COURSE__),
    "list_home": lambda: os.listdir(__HOME__),
    "grader_processes": grader_processes,
    "network": connect,
})
outcome = {}
for name, attempt in attempts.items():
    try:
        outcome[name] = f"succeeded: {attempt()!r:.300}"
    except Exception as error:
        outcome[name] = type(error).__name__
seen = {
    "uid": os.getuid(),
    "top": sorted(os.listdir("/")),
    "home": sorted(os.listdir("/home")),
    "tmp": sorted(os.listdir("/tmp")),
    "interfaces": sorted(name for _, name in socket.if_nameindex()),
    "environment": dict(os.environ),
    "limits": {name: resource.getrlimit(getattr(resource, name))[0]
               for name in ("RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_FSIZE")},
}
print("SNOOP " + json.dumps({"attempts": outcome, "seen": seen}))
'''

IMPORTER = '''
import glob, json, os, sys
STOLEN, TRIED = {}, {}

def from_reference():
    from grader_tests.reference import load_reference
    reference = load_reference(__CHAPTER__)
    return {name: getattr(reference, name) for name in __FUNCTIONS__}

def from_chapter_checks():
    from grader_tests.chapters.ch01_nonlinearity import _relu
    return {"relu": _relu}

def from_judge():
    import grader_tests.judge
    return {}

def from_solutions():
    candidates = __SOLUTIONS__ + [os.path.join(entry, "..", "solutions", __CHAPTER__, __CHAPTER__ + ".ipynb")
                                  for entry in sys.path]
    for path in candidates:
        try:
            with open(path) as file:
                cells = json.load(file)["cells"]
        except (OSError, ValueError):
            continue
        namespace = {}
        for cell in cells:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and ("BEGIN SOLUTION" in source or source.startswith("import")):
                exec(source, namespace)
        return {name: namespace[name] for name in __FUNCTIONS__}
    raise FileNotFoundError("no solutions notebook in reach")

def grader_sources():
    found = [path for entry in sys.path
             for path in glob.glob(os.path.join(entry, "grader_tests", "**", "*.py"), recursive=True)
             if os.sep + "kernel" + os.sep not in path]
    if not found:
        raise FileNotFoundError("no grader source in reach")
    return {}

for name, attempt in [("reference", from_reference), ("chapter_checks", from_chapter_checks),
                      ("judge", from_judge), ("solutions", from_solutions), ("grader_sources", grader_sources)]:
    try:
        STOLEN.update(attempt())
        TRIED[name] = "succeeded"
    except Exception as error:
        TRIED[name] = type(error).__name__
print("IMPORTER " + json.dumps(TRIED))
'''


def stolen_or_stub(function: str) -> str:
    return (f"def {function}(*args, **kwargs):\n"
            f"    if {function!r} in STOLEN:\n"
            f"        return STOLEN[{function!r}](*args, **kwargs)\n"
            "    raise NotImplementedError(\"not implemented yet\")")


# Runs after setup: replaces the recorder the hidden tests import.
RECORD_ATTACK = '''
import os, threading
import grader_tests.kernel.record as recorder
_record = recorder.record

def fifo_instead(path):
    os.remove(path)
    os.mkfifo(path)

def attacked_record(check_id, namespace):
    _record(check_id, namespace)
    path = os.path.join(".grader_records", check_id + ".json")
    if check_id == "test_relu":  # a background thread swaps the record for a FIFO during the cell
        swapper = threading.Thread(target=fifo_instead, args=(path,))
        swapper.start()
        swapper.join()
    elif check_id == "test_relu_grad":  # still valid JSON, but over the grader's size cap
        with open(path, "a") as file:
            file.write(" " * (9 << 20))
    elif check_id == "test_tanh":  # a link to the true record
        os.rename(path, path + ".real")
        os.symlink(os.path.basename(path) + ".real", path)

recorder.record = attacked_record
'''

# Runs after setup: any record the working copy holds before a cell ran is
# written back in place of the student's own.
RECORD_THIEF = '''
import glob, json, os
import grader_tests.kernel.record as recorder
FOUND = {os.path.basename(path)[:-5]: open(path).read() for path in glob.glob(".grader_records/*.json")}
_record = recorder.record

def record_what_was_found(check_id, namespace):
    _record(check_id, namespace)
    if check_id in FOUND:
        with open(os.path.join(".grader_records", check_id + ".json"), "w") as file:
            file.write(FOUND[check_id])

recorder.record = record_what_was_found
print("THIEF " + json.dumps(sorted(FOUND)))
'''

KERNEL_LINKER = '''
import json, os
made = {}
for name, target in [(__NOTEBOOK__, __CLASSMATE__), ("timestamp.txt", __CLASSMATE__),
                     (__CHAPTER__ + ".html", __CLASSMATE__), ("everything", "/"),
                     ("classmate.ipynb", os.path.join("..", "..", "correct", __CHAPTER__, __NOTEBOOK__))]:
    try:
        if os.path.lexists(name):
            os.remove(name)
        os.symlink(target, name)
        made[name] = "link"
    except OSError as error:
        made[name] = type(error).__name__
print("KERNEL_LINKER " + json.dumps(made))
'''

FORGER = '''
import fcntl, json, os, stat, subprocess
FORGED = [__PROGRESS__, __LOG__]
for line in FORGED:
    os.write(1, (line + "\\n").encode())
    os.write(2, (line + "\\n").encode())
subprocess.run(["sh", "-c", 'echo "$0" >&2; echo "$0"', __LOG__])
# A progress event on every pipe this process may write to.
event = json.dumps({"event": "executed", "student": "victim", "chapter": __CHAPTER__, "limits": []}) + "\\n"
for fd in map(int, os.listdir("/proc/self/fd")):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode) and (fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE) != os.O_RDONLY:
            os.write(fd, event.encode())
    except OSError:
        pass
raise RuntimeError("\\n" + "\\n".join(FORGED))
'''

SCRIPT = f"document.title='pwned-{TOKEN}'"
SCRIPTER_OUTPUTS = f'''
from IPython.display import HTML, Javascript, Markdown, display
display(HTML("<script>{SCRIPT}</script>"))
display(Javascript("{SCRIPT}"))
display(HTML('<img src="x" onerror="{SCRIPT}">'))
display(HTML('<a href="javascript:{SCRIPT}">a</a> <a href=" JaVa&#09;Script:{SCRIPT}">b</a>'))
display(HTML('<svg onload="{SCRIPT}"><script>{SCRIPT}</script></svg>'))
display(HTML('<div class="verdict" style="position:fixed;top:0;left:0">Score 21/21: all tests passed</div>'))
display(Markdown("<script>{SCRIPT}</script> [m](javascript:{SCRIPT})"))
'''
SCRIPTER_MARKDOWN = (f"<script>{SCRIPT}</script>\n\n[click](javascript:{SCRIPT})\n\n"
                     f'<img src="x" onerror="{SCRIPT}">\n\n<div class="verdict">Score 21/21</div>')

# Children that together hold more than the sandbox's memory, each under the per-process limit.
MEMORY_HOG = f'''
import subprocess, sys
CHILD = "b = bytearray(450 << 20); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(4)  # {MEMORY_CHILD}"
children = [subprocess.Popen([sys.executable, "-c", CHILD]) for _ in range(3)]
print("MEMORY", [child.wait() for child in children])
'''

FORK_BOMB = f'''
import subprocess
started = 0
try:
    for _ in range(500):
        subprocess.Popen({LEFT_RUNNING.split()!r}, start_new_session=True)
        started += 1
except OSError as error:
    print("FORK_BOMB", started, type(error).__name__)
'''

DISK_FILLER = '''
import json, os

def fill(folder):
    written = 0
    try:
        while written < 1000:
            with open(os.path.join(folder, f"fill{written}.bin"), "wb") as file:
                file.write(b"x" * (1 << 20))
            written += 1
    except OSError as error:
        return [written, error.strerror]
    return [written, None]

print("DISK " + json.dumps({"work": fill("."), "tmp": fill("/tmp")}))
'''

HANGS = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"


# ---- building the class ------------------------------------------------------

LINK_NAMES = ("answers.ipynb", "gradebook.db", "nbgrader_config.py", "classmate.ipynb", "grading.key", "home")

@dataclass
class Site:
    """A course and what lies around it: an instructor's file, a fake home."""
    course: Path
    secret: Path  # the instructor's 0600 file, outside the course
    home: Path

    @property
    def download(self) -> Path:
        return self.home / "Downloads" / "ch1.zip"

    def submitted(self, student: str) -> Path:
        return self.course / "submitted" / student / CHAPTER / NOTEBOOK

    def targets(self) -> dict[str, Path]:
        """What an attacker wants, by the name of the link it plants."""
        return dict(zip(LINK_NAMES, [self.course / "solutions" / CHAPTER / NOTEBOOK, self.course / "gradebook.db",
                                     self.course / "nbgrader_config.py", self.submitted("correct"), self.secret,
                                     self.home]))

    def env(self) -> dict:
        return {**nbgrader_env(), "HOME": str(self.home)}


def put(path: Path, text: str, mode: int = 0o644) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def site(root: Path) -> Site:
    """A generated course with a marker in its solutions and configuration,
    the reference's records left in solutions/ (as running the solution
    notebook in Jupyter leaves them), and the correct student's work."""
    course = sim.course_with_chapters(root / "course", CHAPTER)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\n# {SECRETS['config']}\n")
    source = course / "solutions" / CHAPTER / NOTEBOOK
    nb = nbformat.read(source, as_version=4)
    nb.metadata["instructor_note"] = SECRETS["solutions"]
    nbformat.write(nb, source)
    records = course / "solutions" / CHAPTER / ".grader_records"
    shutil.rmtree(records, ignore_errors=True)
    for check_id, text in sim.perfect_records(CHAPTER).items():
        put(records / f"{check_id}.json", text)
    found = Site(course, put(root / "instructor" / "grading.key", SECRETS["instructor"], 0o600), root / "home")
    put(found.home / ".ssh" / "id_rsa", SECRETS["home"], 0o600)
    correct = sim.correct(CHAPTER)
    correct.metadata["owner"] = SECRETS["classmate"]
    sim.submit_file(course, "correct", CHAPTER, nb=correct)
    return found


def snoop(place: Site, port: int):
    paths = {Path(name).stem: str(path) for name, path in place.targets().items() if name != "home"}
    paths.update({"repo_solutions": str(ROOT / "solutions" / CHAPTER / NOTEBOOK),
                  "home_key": str(place.home / ".ssh" / "id_rsa"), "lms_download": str(place.download),
                  "relative_gradebook": os.path.join("..", "..", "..", "gradebook.db"),
                  "relative_classmate": os.path.join("..", "..", "correct", CHAPTER, NOTEBOOK)})
    return at_end(code(SNOOP, PATHS=paths, PORT=port, COURSE=str(place.course), HOME=str(place.home)))


def plant_links(place: Site, student: str) -> Path:
    """A correct notebook among links to everything the student must not see."""
    folder = sim.submit_file(place.course, student, CHAPTER, nb=sim.correct(CHAPTER)).parent
    for name, target in place.targets().items():
        os.symlink(target, folder / name)
    return folder


# name in the linker's folder -> why intake moves it
LINKER_PLANTS = {**dict.fromkeys(LINK_NAMES, "symbolic link"),
                 "pipe": "FIFO", "notes.txt": "hard link",
                 "big.bin": f"{MAX_FILE_BYTES + 1:,} bytes, over the cap of 20 MB per file"}


def lms_download(place: Site) -> Path:
    """Two honest students; a nested zip claiming honest ids; a zip bomb."""
    stub = nbformat.writes(sim.untouched(CHAPTER))
    place.download.parent.mkdir(parents=True)
    return write_zip(place.download, [
        (f"zip_alice/{NOTEBOOK}", nbformat.writes(sim.correct(CHAPTER))),
        (f"section_b/zip_bob/{NOTEBOOK}", nbformat.writes(sim.replace_answers(sim.correct(CHAPTER), PARTLY_WRONG))),
        ("mallory/extra.zip", nested_zip({f"correct/{NOTEBOOK}": stub, f"zip_alice/{NOTEBOOK}": stub})),
        (f"bomber/{NOTEBOOK}", 40 << 20),  # 40 MB of zeros, about 40 kB compressed
    ])


def submit_class(place: Site, port: int) -> None:
    course = place.course
    submit = lambda student, nb: sim.submit_file(course, student, CHAPTER, nb=nb)  # noqa: E731
    submit("stub", sim.untouched(CHAPTER))
    submit("partly_wrong", sim.replace_answers(sim.correct(CHAPTER), PARTLY_WRONG))
    submit("stringy", sim.replace_answers(sim.correct(CHAPTER), STRINGY))
    submit("snoop", snoop(place, port))
    submit("memory_hog", at_end(MEMORY_HOG))
    submit("fork_bomb", at_end(FORK_BOMB))
    submit("disk_filler", at_end(DISK_FILLER))
    submit("hangs", at_end(HANGS))
    submit("kernel_linker", at_end(code(KERNEL_LINKER, NOTEBOOK=NOTEBOOK, CHAPTER=CHAPTER,
                                        CLASSMATE=str(place.submitted("correct")))))
    stubs = sim.replace_answers(sim.untouched(CHAPTER), {f: stolen_or_stub(f) for f in FUNCTIONS})
    submit("importer", sim.with_cells_after(stubs, "setup", code(
        IMPORTER, CHAPTER=CHAPTER, FUNCTIONS=FUNCTIONS,
        SOLUTIONS=[str(ROOT / "solutions" / CHAPTER / NOTEBOOK), str(course / "solutions" / CHAPTER / NOTEBOOK),
                   os.path.join("..", "..", "..", "solutions", CHAPTER, NOTEBOOK)])))
    submit("record_attacker", sim.with_cells_after(sim.correct(CHAPTER), "setup", RECORD_ATTACK))
    submit("record_thief", sim.with_cells_after(
        sim.replace_answers(sim.correct(CHAPTER), MAXOUT_WITHOUT_BIASES), "setup", RECORD_THIEF))
    submit("forger", at_end(code(FORGER, PROGRESS=FORGED_PROGRESS, LOG=FORGED_LOG, CHAPTER=CHAPTER)))
    scripter = at_end(SCRIPTER_OUTPUTS)
    scripter.cells.append(new_markdown_cell(SCRIPTER_MARKDOWN))
    submit("scripter", scripter)
    folder = plant_links(place, "linker")
    os.mkfifo(folder / "pipe")
    os.link(place.secret, folder / "notes.txt")
    sparse(folder / "big.bin", MAX_FILE_BYTES + 1)
    os.symlink(course / "submitted" / "correct", course / "submitted" / "alias")  # a whole student folder
    (course / "submitted" / "eve").mkdir()
    os.symlink(course / "solutions" / CHAPTER, course / "submitted" / "eve" / CHAPTER)  # a chapter folder
    for refused in (NEWLINE_ID, HTML_ID, FORMULA_ID):
        submit(refused, sim.correct(CHAPTER))


# ---- what must not change or leak ----------------------------------------------

def fingerprint(path: Path) -> tuple[str, int]:
    """sha256 and mode of a regular file, read without following a link."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest(), stat.S_IMODE(os.fstat(fd).st_mode)


def protected(place: Site, honest: list[str]) -> list[Path]:
    course = place.course
    files = [p for p in (course / "solutions").rglob("*") if p.is_file()]
    files += [p for s in honest for p in (course / "submitted" / s).rglob("*") if p.is_file()]
    files += [course / "nbgrader_config.py", place.secret, place.home / ".ssh" / "id_rsa"]
    return files + ([place.download] if place.download.exists() else [])


def snapshot(files: list[Path]) -> dict[str, tuple[str, int]]:
    return {str(path): fingerprint(path) for path in files}


def leaks(course: Path) -> list[str]:
    """Links, and files holding a secret, anywhere in autograded/ and feedback/.
    The classmate's own marker may be in the classmate's own folders only."""
    markers = {name: secret.encode() for name, secret in SECRETS.items()}
    markers["gradebook"] = b"SQLite format 3\0"
    found = []
    for step in ("autograded", "feedback"):
        for path in (course / step).rglob("*"):
            if path.is_symlink():
                found.append(f"link {path.relative_to(course)}")
            elif path.is_file():
                data, owner = path.read_bytes(), path.relative_to(course / step).parts[0]
                found += [f"{name} in {path.relative_to(course)}" for name, marker in markers.items()
                          if marker in data and not (name == "classmate" and owner == "correct")]
    return found


# ---- reading the results -------------------------------------------------------

def graded_notebook(course: Path, student: str):
    return nbformat.read(course / "autograded" / student / CHAPTER / NOTEBOOK, as_version=4)


def printed(course: Path, student: str, prefix: str) -> str:
    """What the student's code printed after ``prefix`` (its report from inside the sandbox)."""
    for cell in graded_notebook(course, student).cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith(prefix + " "):
                    return line[len(prefix) + 1:]
    raise AssertionError(f"{student} printed no {prefix} line")


def failures(course: Path, student: str) -> dict[str, str]:
    """The grader's failure message of each graded cell that failed."""
    return {cell.metadata.nbgrader.grade_id: output.evalue
            for cell in graded_notebook(course, student).cells if cell.metadata.get("nbgrader", {}).get("grade")
            for output in cell.get("outputs", [])[:1] if output.output_type == "error"}


def report(course: Path) -> str:
    return (course / "grading_report.md").read_text()


def flags(course: Path, student: str) -> str:
    """The report's flag lines of a student, Markdown escapes removed."""
    return "\n".join(line for line in report(course).replace("\\", "").splitlines()
                     if line.startswith(f"- {student} /"))


def table_students(text: str) -> list[str]:
    rows = text.split("|---", 1)[1].split("\n## ", 1)[0].splitlines()[1:]
    return [row.split("|")[1].strip() for row in rows if row.startswith("| ")]


def gradebook_students(course: Path) -> list[str]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return sorted(student.id for student in gradebook.students)


# ---- the runs ----------------------------------------------------------------

@dataclass
class Run:
    place: Site
    before: dict[str, tuple[str, int]]
    gradebook_mode: int
    done: subprocess.CompletedProcess

    @property
    def course(self) -> Path:
        return self.place.course


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    place = site(tmp_path_factory.mktemp("hostile"))
    # Something to connect to on the host's loopback, were there a network.
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        submit_class(place, listener.getsockname()[1])
        lms_download(place)
        before = snapshot(protected(place, ["correct", "stub", "partly_wrong", "stringy"]))
        gradebook_mode = stat.S_IMODE(os.stat(place.course / "gradebook.db").st_mode)
        done = subprocess.run([sys.executable, "-m", "grader_tests.grade_class", *RUN_LIMITS, CHAPTER,
                               "--zip", f"{CHAPTER}={place.download}"],
                              cwd=place.course, env=place.env(), capture_output=True, text=True, timeout=600)
    finally:
        listener.close()
    # Graded, then exit status 1 for the download's nested zip and bomb, listed on stderr.
    assert done.returncode == 1, done.stderr[-3000:]
    assert "extra.zip" in done.stderr and "bomber" in done.stderr
    return Run(place, before, gradebook_mode, done)


def test_every_student_gets_the_exact_expected_score(graded):
    got = scores(graded.course)
    assert got.keys() == EXPECTED.keys()
    assert got == EXPECTED


def test_the_gradebook_holds_exactly_the_expected_students(graded):
    assert gradebook_students(graded.course) == sorted(EXPECTED)
    assert stat.S_IMODE(os.stat(graded.course / "gradebook.db").st_mode) == graded.gradebook_mode


def test_solutions_config_honest_work_and_secrets_are_unchanged(graded):
    assert snapshot([Path(p) for p in graded.before]) == graded.before


def test_nothing_secret_and_no_link_reached_autograded_or_feedback(graded):
    assert sorted(os.listdir(graded.course / "feedback")) == sorted(EXPECTED)
    assert leaks(graded.course) == []


# What the sandbox's root may hold besides the Python installation and the course's kernel package.
SYSTEM_TOP = {"bin", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "proc", "sbin", "tmp", "usr"}


def test_the_sandbox_hides_everything_but_the_working_copy(graded):
    course, home = graded.course, graded.place.home
    outcome = json.loads(printed(course, "snoop", "SNOOP"))
    assert {name: result for name, result in outcome["attempts"].items() if result.startswith("succeeded")} == {}
    seen = outcome["seen"]
    assert seen["uid"] != 0 and seen["interfaces"] == ["lo"]
    assert seen["home"] == ["student"]
    assert set(seen["top"]) <= SYSTEM_TOP | {Path(p).parts[1] for p in (sys.prefix, sys.base_prefix, ROOT)}
    assert not [entry for entry in seen["tmp"] if course.is_relative_to(Path("/tmp") / entry)], seen["tmp"]
    assert not [value for value in seen["environment"].values()
                if str(course) in value or str(home) in value or "COURSE_" in value]
    assert not [name for name in seen["environment"] if name.startswith("COURSE_")]
    assert seen["limits"] == {"RLIMIT_CPU": 30, "RLIMIT_AS": 1024 << 20, "RLIMIT_FSIZE": DISK_MB << 20}


def test_limits_cover_the_whole_sandbox_and_are_flagged(graded):
    course = graded.course
    mechanisms = cgroups.mechanisms()
    assert "Sandbox limits: " + "; ".join(f"{name} {how}" for name, how in mechanisms.items()) in report(course)
    for student, reason in FLAGS.items():
        assert reason in flags(course, student), student
    memory = json.loads(printed(course, "memory_hog", "MEMORY"))
    assert -9 in memory, memory  # one child killed: the three together were over the limit
    disk = json.loads(printed(course, "disk_filler", "DISK"))
    assert disk["work"][0] < DISK_MB and disk["tmp"][0] < DISK_MB, disk
    assert disk["work"][1] == disk["tmp"][1] == "No space left on device", disk


def test_a_submission_that_filled_its_disk_is_flagged(graded):
    assert "disk" in flags(graded.course, "disk_filler")


def test_honest_students_are_not_flagged(graded):
    assert {student: flags(graded.course, student) for student in HONEST} == dict.fromkeys(HONEST, "")


def test_links_fifo_hard_link_and_oversize_file_are_quarantined_unfollowed(graded):
    course, line = graded.course, flags(graded.course, "linker")
    for name, why in LINKER_PLANTS.items():
        assert f"linker/{CHAPTER}/{name} ({why})" in line, name
    (run,) = (course / "quarantine").iterdir()
    assert os.readlink(run / "linker" / CHAPTER / "grading.key") == str(graded.place.secret)
    assert "- alias / (whole folder): quarantined" in flags(course, "alias")
    assert f"- eve / {CHAPTER}: quarantined" in flags(course, "eve")


def test_links_the_kernel_makes_write_onto_no_other_submission(graded):
    course = graded.course
    made = json.loads(printed(course, "kernel_linker", "KERNEL_LINKER"))
    assert made["everything"] == made["classmate.ipynb"] == "link", made
    assert "KERNEL_LINKER" not in json.dumps(graded_notebook(course, "correct"))
    assert not any(path.is_symlink() for path in (course / "autograded" / "kernel_linker").rglob("*"))


def test_the_kernel_can_import_or_read_nothing_that_computes_a_graded_function(graded):
    tried = json.loads(printed(graded.course, "importer", "IMPORTER"))
    assert set(tried) == {"reference", "chapter_checks", "judge", "solutions", "grader_sources"}
    assert "succeeded" not in tried.values(), tried


def test_reference_records_left_in_solutions_never_reach_the_kernel(graded):
    assert json.loads(printed(graded.course, "record_thief", "THIEF")) == []
    assert scores(graded.course)["record_thief"] == EXPECTED["record_thief"]


def test_hostile_record_files_fail_their_check_only_with_a_clear_message(graded):
    failed = failures(graded.course, "record_attacker")
    assert sorted(failed) == ["test_relu", "test_relu_grad", "test_tanh"]
    assert "relu(): the record file was refused: not a regular file" in failed["test_relu"]
    assert f"bytes, more than the limit of {8 << 20}" in failed["test_relu_grad"]
    assert "tanh(): the record file was refused: not a regular file" in failed["test_tanh"]
    graded_size = (graded.course / "autograded" / "record_attacker" / CHAPTER / NOTEBOOK).stat().st_size
    assert graded_size < 1 << 20


def test_strings_for_numbers_fail_those_checks_only(graded):
    failed = failures(graded.course, "stringy")
    assert sorted(failed) == ["test_threshold_unit", "test_xor_network"]


def test_nothing_a_kernel_printed_reaches_the_graders_streams_or_log(graded):
    done, log = graded.done, (graded.course / "grading.log").read_text()
    for text in (done.stdout, done.stderr, log):
        assert f"FORGED-{TOKEN}" not in text and "victim" not in text
    progress = re.findall(rf"^\[\d+/(\d+)\] (\S+)/{CHAPTER} graded", done.stdout, re.MULTILINE)
    assert sorted(student for _, student in progress) == sorted(EXPECTED)
    assert {total for total, _ in progress} == {str(len(EXPECTED))}


def test_refused_ids_are_named_in_the_report_and_add_no_row(graded):
    course, text = graded.course, report(graded.course)
    assert "## Refused student folders (3), not graded" in text
    assert text.count("refused: an id holds only") == 3
    assert "<" not in text
    assert table_students(text) == sorted(EXPECTED)


def test_grades_csv_has_no_cell_a_spreadsheet_takes_for_a_formula(graded):
    with open(graded.course / "grades.csv", newline="") as file:
        cells = [cell for row in csv.reader(file) for cell in row]
    formulas = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")
                and not re.fullmatch(r"-?\d+(\.\d+)?", cell)]
    assert formulas == []


def test_feedback_pages_run_no_student_script(graded):
    problems = {}
    for student in EXPECTED:
        page = (graded.course / "feedback" / student / CHAPTER / f"{CHAPTER}.html").read_text()
        if found := active_content(BeautifulSoup(page, "html.parser")):
            problems[student] = found
    assert problems == {}
    page = (graded.course / "feedback" / "scripter" / CHAPTER / f"{CHAPTER}.html").read_text()
    assert "Score 21/21" in page  # shown, as text in the student's output


def active_content(soup) -> list[str]:
    """Everything in a feedback page that could run, or pass for the grader."""
    found = [str(script)[:80] for script in soup.find_all("script")]  # a page has none of its own
    for tag in soup.find_all(True):
        found += [f"{tag.name} {name}" for name in tag.attrs if name.lower().startswith("on")]
        found += [f"{tag.name} {name}={value!r:.60}" for name, value in tag.attrs.items()
                  if "javascript:" in re.sub(r"[\x00-\x20]", "", str(value)).lower()]
    found += [f"{tag.name} with a style" for tag in soup.body.find_all(style=True)]
    found += [f"{tag.name} of class verdict" for tag in soup.find_all(class_="verdict")]
    policy = soup.head.find(True) if soup.head else None
    if not policy or policy.name != "meta" or policy.get("http-equiv") != "Content-Security-Policy":
        found.append("no Content-Security-Policy first in <head>")
    return found


def test_a_bad_lms_download_harms_only_its_sender(graded):
    course, text = graded.course, report(graded.course).replace("\\", "")
    assert f"- LMS download {CHAPTER}: 2 notebooks collected from ch1.zip, 2 students flagged" in text
    assert "  - mallory: nested archive 'mallory/extra.zip' not opened" in text
    assert f"  - bomber: 'bomber/{NOTEBOOK}' refused: " in text
    assert not {"mallory", "bomber"} & set(os.listdir(course / "submitted"))
    assert scores(course)["correct"] == TOTAL  # the nested zip's claim to this id was never opened


def test_no_process_is_left_running(graded):
    # A grading worker of another test running meanwhile names students in its arguments: not a leftover.
    leftovers = [command for command in running_commands() if "grader_tests.worker" not in command
                 and (LEFT_RUNNING in command or MEMORY_CHILD in command or "record_thief" in command)]
    assert leftovers == []


# ---- stock nbgrader: the same sandbox, and links refused ------------------------

@dataclass
class Stock:
    place: Site
    before: dict[str, tuple[str, int]]
    done: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    place = site(tmp_path_factory.mktemp("stock"))
    with socket.create_server(("127.0.0.1", 0)) as listener:
        sim.submit_file(place.course, "snoop", CHAPTER, nb=snoop(place, listener.getsockname()[1]))
        plant_links(place, "linker")
        before = snapshot(protected(place, ["correct"]))
        env = place.env()
        done = subprocess.run([shutil.which("nbgrader", path=env["PATH"]), "autograde", CHAPTER, "--create"],
                              cwd=place.course, env=env, capture_output=True, text=True, timeout=600)
    return Stock(place, before, done)


def test_stock_autograde_runs_student_code_in_the_sandbox(stock):
    course = stock.place.course
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert {s: gradebook.find_submission(CHAPTER, s).score for s in ("correct", "snoop")} == \
            {"correct": TOTAL, "snoop": TOTAL}
    outcome = json.loads(printed(course, "snoop", "SNOOP"))
    assert {name: result for name, result in outcome["attempts"].items() if result.startswith("succeeded")} == {}


def test_stock_autograde_refuses_a_submission_holding_links(stock):
    course = stock.place.course
    assert "links, special or oversize files in submitted/linker/01_nonlinearity" in stock.done.stderr
    assert not (course / "autograded" / "linker" / CHAPTER).exists()
    assert snapshot([Path(p) for p in stock.before]) == stock.before
    assert leaks(course) == []
