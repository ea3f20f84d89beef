"""Reading one check's record, written by the student's kernel: untrusted input.

``read(folder, check_id)`` opens ``<folder>/.grader_records/<check_id>.json``
without following links, only as a regular file of at most ``MAX_BYTES``
(the largest record the references produce is about 1 MB), parses it and
checks its shape: every value ``judge.decode`` will turn into an array has a
numeric dtype of at most 8 bytes and a shape that matches its data, so
nothing in a record can make the grader allocate more than the file holds.
It returns the record, or raises ``BadRecord`` saying what is wrong.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from grader_tests.kernel import RECORD_DIR
from grader_tests.untrusted_files import Refused, read_bytes

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 8
MAX_TEXT = 2000
MAX_NAMES = 64  # arguments changed in place, notebook functions used


class BadRecord(Exception):
    pass


def read(folder: Path, check_id: str) -> dict | None:
    """The record, None when there is none, or BadRecord."""
    try:
        data = read_bytes(folder, f"{RECORD_DIR}/{check_id}.json", MAX_BYTES)
    except Refused as refused:
        if str(refused) == "missing":
            return None
        raise BadRecord(f"the record file was refused: {refused}") from refused
    try:
        record = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise BadRecord("the record file is not valid JSON") from error
    _check_record(record)
    return record


def _text(value, what: str) -> None:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise BadRecord(f"{what} is not a short text")


def _check_record(record) -> None:
    if not isinstance(record, dict) or not isinstance(record.get("calls", []), list):
        raise BadRecord("the record is not a list of calls")
    for key in ("check_id", "fatal"):
        if record.get(key) is not None:
            _text(record[key], key)
    used = record.get("uses", [])
    if not isinstance(used, list) or len(used) > MAX_NAMES or \
            not all(isinstance(name, str) and name.isidentifier() and len(name) <= 100 for name in used):
        raise BadRecord("the functions used are not a list of names")
    if not isinstance(record.get("silences_warnings", False), bool):
        raise BadRecord("whether warnings are silenced is not true or false")
    for entry in record.get("calls", []):
        if not isinstance(entry, dict):
            raise BadRecord("a call's entry is not an object")
        if entry.get("error") is not None:
            _text(entry["error"], "an error")
        warnings = entry.get("warnings", [])
        if not isinstance(warnings, list):
            raise BadRecord("warnings are not a list")
        for warning in warnings:
            _text(warning, "a warning")
        for key in ("modified", "unused_rngs"):
            positions = entry.get(key, [])
            if not isinstance(positions, list) or len(positions) > MAX_NAMES or not all(
                    isinstance(n, int) and not isinstance(n, bool) and 0 <= n < MAX_NAMES for n in positions):
                raise BadRecord("the arguments noted are not a list of positions")
        if not isinstance(entry.get("global_random", False), bool):
            raise BadRecord("the use of global random state is not true or false")
        if entry.get("output") is not None:
            _check_value(entry["output"], 0)


def _check_value(encoded, depth: int) -> None:
    if depth > MAX_DEPTH or not isinstance(encoded, dict):
        raise BadRecord("a returned value is malformed")
    if "tuple" in encoded:
        items = encoded["tuple"]
        if not isinstance(items, list) or encoded.get("kind", "tuple") not in ("tuple", "list"):
            raise BadRecord("a returned tuple is malformed")
        for item in items:
            _check_value(item, depth + 1)
    elif "str" in encoded:
        _text(encoded["str"], "a returned string")
    elif "unsupported" in encoded:
        _text(encoded["unsupported"], "a returned type")
    else:
        _check_array(encoded)


def _check_array(encoded: dict) -> None:
    try:
        dtype = np.dtype(encoded["dtype"]) if isinstance(encoded.get("dtype"), str) else None
    except (TypeError, ValueError):
        dtype = None
    if dtype is None or dtype.kind not in "biuf" or dtype.itemsize > 8 or dtype.shape:
        raise BadRecord("a returned array has an unsupported dtype")
    shape, data = encoded.get("shape"), encoded.get("data")
    if not isinstance(shape, list) or len(shape) > 32 or \
            not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise BadRecord("a returned array has a malformed shape")
    if not isinstance(data, list) or math.prod(shape) != len(data):
        raise BadRecord("a returned array's data does not match its shape")
    # numpy looks at a million numbers faster than a Python loop; anything but
    # flat numbers (text, None, nested lists) gives another kind of array.
    try:
        kind = np.array(data).dtype.kind if data else dtype.kind
    except ValueError:  # ragged nesting
        kind = "O"
    if kind not in ("b" if dtype.kind == "b" else "iuf"):
        raise BadRecord("a returned array holds something other than numbers")
