"""The aliases of field and filter values (``data/filter-aliases.json``): ``lumbar`` ->
``lumbar spine``, ``PT/OT``, ``denied`` -> ``upheld``. One table, read by the filters
(``filtervalues``) and by the query language (``field:value``), so a value means the same
typed after ``--region`` or after ``region:``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType


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
