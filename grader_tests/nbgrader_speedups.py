"""Work nbgrader repeats on every cell of every notebook, done once.

nbgrader checks each cell's metadata with ``jsonschema.validate``, which
first checks the schema itself against the JSON-Schema meta-schema: about
a twentieth of the grader's CPU time per notebook went there. The schema
never changes, so ``install()`` gives nbgrader's metadata validator one
checked validator per schema. A cell that is invalid still raises
``jsonschema.ValidationError``. nbgrader_config.py installs it, so every
nbgrader process of the course (autograde, feedback, the formgrader) uses it.
"""
from __future__ import annotations

import types

import jsonschema
from nbgrader.nbgraderformat import common

_VALIDATORS: dict[int, tuple[dict, jsonschema.protocols.Validator]] = {}


def validate(instance, schema: dict) -> None:
    known = _VALIDATORS.get(id(schema))
    if known is None or known[0] is not schema:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        known = _VALIDATORS[id(schema)] = (schema, cls(schema))
    known[1].validate(instance)


def install() -> None:
    common.jsonschema = types.SimpleNamespace(validate=validate)
