"""The aliases of field and filter values (``data/filter-aliases.json``): ``lumbar`` ->
``lumbar spine``, ``PT/OT``, ``denied`` -> ``upheld``. One table, read by the filters
(``filtervalues``) and by the query language (``field:value``), so a value means the same
typed after ``--region`` or after ``region:``; and the one way both name the closest values
to one that is refused (``closest``), so their errors agree.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from types import MappingProxyType

# How many close values a message names.
CLOSEST = 5


@functools.cache
def aliases() -> Mapping[str, Mapping[str, str]]:
    """Filter name -> casefolded alias -> the value items carry (``data/filter-aliases.json``)."""
    raw = resources.files("imr_search").joinpath("data/filter-aliases.json").read_text("utf-8")
    data = json.loads(raw)
    return MappingProxyType(
        {
            name: MappingProxyType({k.casefold(): v for k, v in table.items()})
            for name, table in data.items()
            if not name.startswith("_")
        }
    )


def closest(value: str, candidates: Iterable[str], n: int = CLOSEST) -> list[str]:
    """The candidates most like ``value`` (case-insensitive): close spellings first, then
    values containing it as a word ("orthopedic" -> "Orthopedic Surgery")."""
    by_key: dict[str, str] = {}
    for c in candidates:
        by_key.setdefault(c.casefold(), c)
    key = value.strip().casefold()
    spelt = difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.6)
    words = [k for k in by_key if key and len(key) >= 2 and key in k and k not in spelt]
    words.sort(key=lambda k: (not k.startswith(key), len(k)))
    return [by_key[k] for k in [*spelt, *words][:n]]
