"""Helpers for the deep-learning fundamentals course (sliders, book build)."""
