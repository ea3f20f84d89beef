"""Records are untrusted input: read without following links, only regular
files under a cap, never blocking, parsed with limits; whatever goes wrong
while reading or judging one check fails that check only."""
from __future__ import annotations

import dataclasses

import json
import os
import threading
from pathlib import Path

import pytest

from grader_tests import records, untrusted_files
from grader_tests.checks import find
from grader_tests.preprocessors import verdict

GOOD = {"check_id": "test_relu", "calls": []}


def write(folder: Path, name: str, content) -> Path:
    path = folder / records.RECORD_DIR / f"{name}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_a_regular_record_is_read(tmp_path):
    write(tmp_path, "test_relu", GOOD)
    assert records.read(tmp_path, "test_relu") == GOOD
    assert records.read(tmp_path, "test_missing") is None


def test_links_are_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    write(outside, "test_relu", GOOD)
    work = tmp_path / "work"
    work.mkdir()
    (work / records.RECORD_DIR).symlink_to(outside / records.RECORD_DIR)  # the folder is a link
    with pytest.raises(records.BadRecord, match="refused"):
        records.read(work, "test_relu")
    other = tmp_path / "other"
    (other / records.RECORD_DIR).mkdir(parents=True)
    (other / records.RECORD_DIR / "test_relu.json").symlink_to(outside / records.RECORD_DIR / "test_relu.json")
    with pytest.raises(records.BadRecord, match="not a regular file"):
        records.read(other, "test_relu")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    (tmp_path / records.RECORD_DIR).mkdir()
    os.mkfifo(tmp_path / records.RECORD_DIR / "test_relu.json")
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_refusal(tmp_path)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert outcome == ["not a regular file"]


def _refusal(folder: Path) -> str:
    try:
        records.read(folder, "test_relu")
    except records.BadRecord as problem:
        return str(problem).rsplit(": ", 1)[-1]
    return "read"


def test_an_oversize_record_is_refused_before_it_is_read(tmp_path):
    path = write(tmp_path, "test_relu", "")
    os.truncate(path, records.MAX_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(records.BadRecord, match="more than the limit"):
        records.read(tmp_path, "test_relu")


@pytest.mark.parametrize("content, problem", [
    ("{not json", "not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
    ({"calls": "x"}, "not a list of calls"),
    ({"calls": [{"output": {"dtype": "(1000000000,)f8", "shape": [1], "data": [1.0]}}]}, "unsupported dtype"),
    ({"calls": [{"output": {"dtype": "(100000,)f8", "shape": [1], "data": [1.0]}}]}, "unsupported dtype"),
    ({"calls": [{"output": {"dtype": "O", "shape": [1], "data": [1.0]}}]}, "unsupported dtype"),
    ({"calls": [{"output": {"dtype": "S100000000", "shape": [1], "data": [1.0]}}]}, "unsupported dtype"),
    ({"calls": [{"output": {"dtype": "float64", "shape": [10 ** 9], "data": [1.0]}}]}, "does not match"),
    ({"calls": [{"output": {"dtype": "float64", "shape": [-1], "data": [1.0]}}]}, "malformed shape"),
    ({"calls": [{"output": {"dtype": "float64", "shape": [1], "data": ["1.0"]}}]}, "other than numbers"),
    ({"calls": [{"error": "x" * 10_000}]}, "not a short text"),
    ({"calls": [{"output": json.loads('{"tuple": [' * 20 + ']}' * 20)}]}, "malformed"),
])
def test_malformed_records_are_refused_with_a_reason(tmp_path, content, problem):
    write(tmp_path, "test_relu", content)
    with pytest.raises(records.BadRecord, match=problem):
        records.read(tmp_path, "test_relu")


def test_removing_a_record_never_follows_a_link(tmp_path):
    keep = tmp_path / "keep"
    (keep / records.RECORD_DIR).mkdir(parents=True)
    precious = write(keep, "test_relu", GOOD)
    work = tmp_path / "work"
    work.mkdir()
    (work / records.RECORD_DIR).symlink_to(keep / records.RECORD_DIR)
    untrusted_files.remove(work, f"{records.RECORD_DIR}/test_relu.json")
    assert precious.exists()
    write(tmp_path, "test_relu", GOOD)
    untrusted_files.remove(tmp_path, f"{records.RECORD_DIR}/test_relu.json")
    assert not (tmp_path / records.RECORD_DIR / "test_relu.json").exists()


def test_a_value_the_judge_does_not_expect_fails_that_check_only(tmp_path):
    # Strings where arrays are expected, and a judge that did not foresee them.
    entry = {"error": None, "warnings": [], "output": {"tuple": [{"str": name} for name in "abcd"]}}
    check = dataclasses.replace(find("test_xor_network"), judge=lambda got, expected, args: got[0].shape)
    write(tmp_path, check.check_id, {"check_id": check.check_id, "calls": [entry]})
    message = verdict(check, tmp_path, "01_nonlinearity")
    assert message == ("xor_network(): the grader could not judge what it returned (AttributeError); "
                       "check the types the docstring asks for.")
    write(tmp_path, check.check_id, "[]")
    assert verdict(check, tmp_path, "01_nonlinearity").startswith("xor_network(): ")
