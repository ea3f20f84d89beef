"""Margins of the grader's thresholds on training functions.

A check that passes a training function when its accuracy or loss crosses a
threshold must pass every correct implementation, however it initializes
and in whatever order it draws from its rng. Each chapter grader module that
sets such a threshold defines ``threshold_study()``: it trains correct
variants (several initializations, many seeds) and known-wrong ones, and
returns the distributions as text. This prints them:

    python benchmarks/thresholds.py [chapter module name ...]

The chapter module keeps the numbers measured, next to the threshold.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import grader_tests.chapters


def main(names: list[str]) -> None:
    for info in pkgutil.iter_modules(grader_tests.chapters.__path__):
        if not info.name.startswith("ch") or (names and info.name not in names):
            continue
        module = importlib.import_module(f"grader_tests.chapters.{info.name}")
        if hasattr(module, "threshold_study"):
            start = time.perf_counter()
            print(f"== {info.name}")
            print(module.threshold_study())
            print(f"({time.perf_counter() - start:.1f} s)\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
