"""nbgrader configuration of the course (run nbgrader from this folder).

solutions/ is nbgrader's source directory and exercises/ its release
directory. Grading is hardened as described in the README's instructor guide:
the hidden part of each test cell only records outputs, and the trusted
comparison judges them in nbgrader's own process.
"""
c = get_config()  # noqa: F821 (provided by nbgrader)

# nbgrader re-checks its metadata schema on every cell; check it once.
from grader_tests import nbgrader_speedups  # noqa: E402
nbgrader_speedups.install()

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# Running a solution notebook in Jupyter leaves the reference outputs in its
# .grader_records/; nbgrader would copy them next to every submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".grader_records"]

c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError(\"not implemented yet\")"
}

# Execute.timeout is the setting nbgrader reads (not ExecutePreprocessor's);
# TrustedExecute inherits it.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.extra_arguments = ["--InteractiveShell.xmode=Minimal"]
# A graded kernel has nothing to save: kill it (and whatever it started)
# instead of asking it to shut down and polling until it has.
c.Execute.shutdown_kernel = "immediate"

c.Autograde.autograde_preprocessors = [
    # Executes the submission and judges each graded cell in this process.
    "grader_tests.preprocessors.TrustedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Deleted test cells come back from the gradebook instead of vanishing.
c.OverwriteCells.add_missing_cells = True

# Feedback never shows hidden test code.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# nbconvert's page without its second parse, with student HTML sanitized, a
# Content-Security-Policy that lets no script run, and its math written as
# MathML (grader_tests/feedback.py).
c.GenerateFeedback.exporter_class = "grader_tests.feedback.FeedbackExporter"

# Grading from several machines into one gradebook: give every machine's
# nbgrader_config.py the same PostgreSQL database (driver psycopg2-binary,
# in requirements.txt) and each machine its own students in submitted/:
#   c.CourseDirectory.db_url = "postgresql+psycopg2://USER:PASSWORD@HOST:5432/gradebook"
#   c.CourseDirectory.course_id = "dl-course"
# (name the driver: this SQLAlchemy defaults plain postgresql:// to psycopg 3;
# and a course_id: PostgreSQL enforces the foreign key SQLite lets pass).
# Keep the URL in this file, which the sandbox hides from student kernels.
# Do not pass it in an environment variable or on a command line: the sandbox
# hides other processes from a kernel, but a kernel run unsandboxed
# (--allow-unsandboxed) can read /proc/<pid>/environ and cmdline of the
# grading processes. tests/test_postgres_gradebook.py does this for real.
