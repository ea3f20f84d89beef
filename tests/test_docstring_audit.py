"""Every clause of every graded docstring is mapped to the checks that test
it (``grader_tests/docstring_audit/NN_topic.md``; see ``docstring_audit``)."""
from __future__ import annotations

import pytest

from docstring_audit import chapters, clauses, graded_docstrings, read_table, table_path
from grader_tests.checks import all_checks


@pytest.mark.parametrize("chapter", chapters())
def test_every_clause_has_a_check(chapter):
    assert table_path(chapter).exists(), f"no audit table for {chapter}: run tests/docstring_audit.py {chapter}"
    rows = read_table(chapter)
    mapped = {(function, clause): ids for function, clause, ids, _ in rows}
    wanted = {(function, clause) for function, docstring in graded_docstrings(chapter, classes=True).items()
              for clause in clauses(docstring)}
    checks = all_checks()
    problems = [f"no row for {f}: {c!r}" for f, c in sorted(wanted - mapped.keys())]
    problems += [f"row for a clause no docstring has: {f}: {c!r}" for f, c in sorted(mapped.keys() - wanted)]
    problems += [f"no check named for {f}: {c!r}" for (f, c), ids in mapped.items() if not ids]
    problems += [f"unknown check {i} for {f}: {c!r}" for (f, c), ids in mapped.items()
                 for i in ids if i not in checks]
    assert not problems, "\n".join(problems)


def test_a_clause_without_a_check_is_found(tmp_path, monkeypatch):
    """The audit can fail: a table with one row's checks removed is caught."""
    import docstring_audit

    chapter = chapters()[0]
    text = table_path(chapter).read_text().splitlines()
    row = next(i for i, line in enumerate(text) if line.startswith("| `"))
    cells = text[row].split(" | ")
    cells[2] = "?"
    text[row] = " | ".join(cells)
    (tmp_path / f"{chapter}.md").write_text("\n".join(text))
    monkeypatch.setattr(docstring_audit, "TABLES", tmp_path)
    with pytest.raises(AssertionError, match="no check named"):
        test_every_clause_has_a_check(chapter)
