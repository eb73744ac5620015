"""Benchmarks of what users feel: run with ``make bench`` (``python -m bench``)."""
