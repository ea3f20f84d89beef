"""The docstring audit: which check tests each clause of each graded docstring.

A clause is one logical line of a graded function's docstring (a line and the
lines indented under it), section headings left out. Each chapter's table,
``grader_tests/docstring_audit/NN_topic.md``, has one row per clause:

    | function | clause | checked by | how |

``checked by`` lists check ids (the graded cells' ``grade_id``). Pipes inside
a clause are written ``\\|``.

    python tests/docstring_audit.py 04_optimizers

prints the rows a chapter's table needs (``?`` where a check is missing), to
start or refresh a table.
"""
from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent.parent
TABLES = COURSE_ROOT / "grader_tests" / "docstring_audit"
CHECK_ID = re.compile(r"\btest_\w+")


def chapters() -> list[str]:
    return sorted(p.name for p in (COURSE_ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())


def graded_docstrings(chapter: str, classes: bool = False) -> dict[str, str]:
    """Docstrings of the functions students write (the solution cells'
    top-level functions), and with ``classes`` of their classes and methods
    (as ``Class`` and ``Class.method``)."""
    notebook = json.loads((COURSE_ROOT / "solutions" / chapter / f"{chapter}.ipynb").read_text())
    found = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            for node in ast.parse("".join(cell["source"])).body:
                if isinstance(node, ast.FunctionDef):
                    found[node.name] = ast.get_docstring(node) or ""
                elif classes and isinstance(node, ast.ClassDef):
                    found[node.name] = ast.get_docstring(node) or ""
                    found.update({f"{node.name}.{item.name}": ast.get_docstring(item) for item in node.body
                                  if isinstance(item, ast.FunctionDef) and ast.get_docstring(item)})
    return found


def normal(text: str) -> str:
    return " ".join(text.split())


def clauses(docstring: str) -> list[str]:
    lines = docstring.splitlines()
    result: list[str] = []
    indent_of_current = None
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if not line.strip() or set(line.strip()) == {"-"} or \
                (following.strip() and set(following.strip()) == {"-"}):
            indent_of_current = None
            continue
        indent = len(line) - len(line.lstrip())
        if indent_of_current is not None and indent > indent_of_current:
            result[-1] += " " + line.strip()
            continue
        result.append(line.strip())
        indent_of_current = indent
    return [normal(clause) for clause in result]


def table_path(chapter: str) -> Path:
    return TABLES / f"{chapter}.md"


def read_table(chapter: str) -> list[tuple[str, str, list[str], str]]:
    """Rows (function, clause, check ids, how) of the chapter's table."""
    rows = []
    for line in table_path(chapter).read_text().splitlines():
        if not line.startswith("|") or set(line.replace("|", "").strip()) <= {"-", " "}:
            continue
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if cells[:2] == ["function", "clause"] or len(cells) != 4:
            continue
        function, clause, checked_by, how = cells
        rows.append((function.strip("`"), normal(clause), CHECK_ID.findall(checked_by), how))
    return rows


def skeleton(chapter: str) -> str:
    known = {(f, c): (ids, how) for f, c, ids, how in read_table(chapter)} if table_path(chapter).exists() else {}
    out = ["| function | clause | checked by | how |", "|---|---|---|---|"]
    for function, docstring in graded_docstrings(chapter, classes=True).items():
        for clause in clauses(docstring):
            ids, how = known.get((function, clause), ([], "?"))
            out.append(f"| `{function}` | {clause.replace('|', chr(92) + '|')} | "
                       f"{', '.join(ids) or '?'} | {how} |")
    return "\n".join(out)


if __name__ == "__main__":
    for name in sys.argv[1:] or chapters():
        print(skeleton(name))
