"""nbgrader configuration of the course (run nbgrader from this folder).

solutions/ is nbgrader's source directory and exercises/ its release
directory. Grading is hardened as described in the README's instructor guide:
the hidden part of each test cell only records outputs, and the trusted
comparison judges them in nbgrader's own process.
"""
c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError(\"not implemented yet\")"
}

# Execute.timeout is the setting nbgrader reads (not ExecutePreprocessor's);
# TrustedExecute inherits it.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.Execute.extra_arguments = ["--InteractiveShell.xmode=Minimal"]

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
