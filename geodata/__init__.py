"""Frontline Atlas data layer: places, factions, sourced events, control over time.

Pure Python and (Geo)pandas; never imports Streamlit.
"""

from .dataset import Dataset
from .events import TIMELINE_END, TIMELINE_START
from .factions import FACTION_CODES, FACTIONS, Faction, faction_color, normalize_faction
from .gazetteer import Gazetteer, GeocodeError, GeocodeResult, normalize_name
from .io import load_builtin, load_dataset
from .problems import DataError
from .timeline import control_at, epoch_of, epochs, events_between, place_history

__all__ = [
    "DataError",
    "Dataset",
    "FACTIONS",
    "FACTION_CODES",
    "Faction",
    "Gazetteer",
    "GeocodeError",
    "GeocodeResult",
    "TIMELINE_END",
    "TIMELINE_START",
    "control_at",
    "epoch_of",
    "epochs",
    "events_between",
    "faction_color",
    "geocode",
    "load_builtin",
    "load_dataset",
    "normalize_faction",
    "normalize_name",
    "place_history",
]


def geocode(name: str, dataset: Dataset | None = None) -> GeocodeResult:
    """Resolve a place name in any common spelling (see :mod:`geodata.gazetteer`).

    Parameters
    ----------
    name : str
        E.g. ``"Deir Ezzour"``, ``"Tadmur"``, ``"الموصل"``.
    dataset : Dataset, optional
        Whose places to search first (default: the built-in data).

    Examples
    --------
    >>> geocode("Deir Ezzour").id
    'deir-ez-zor'
    """
    return (dataset or load_builtin()).gazetteer.geocode(name)
