"""The control strip: who held each place when, one row per place, with the date.

It replaces a Vega-Lite chart that Streamlit redrew on every slider step
(30–60 ms of a step's time in the browser). The strip is a small
Streamlit component of our own (``frontend/``): it draws its bars once per
dataset, and a step only moves its date rule. :mod:`.data` makes what it
draws (pure), :mod:`.component` places it.
"""

from .component import show_strip, strip_for
from .data import MAX_LABEL, strip_data

__all__ = ["strip_data", "strip_for", "show_strip", "MAX_LABEL"]
