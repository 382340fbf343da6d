"""The generator's tables: vocabularies and sentence templates in ``imr_synth/data/*.json``.

One JSON file per module (``drugs.json`` holds :mod:`imr_synth.drugs`'s tables, and so on), one
key per table, named as the module's constant (a key starting with "_" is a note for the
reader, not a table). JSON arrays come back as tuples: the code picks
from, indexes, compares and hashes them as the tuples they were written as, and a random draw
over the same sequence in the same order keeps every seed's letters the same.
"""

from __future__ import annotations

import json
import sys
from importlib.resources import files
from typing import Any


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {sys.intern(k): _frozen(v) for k, v in value.items()}
    if isinstance(value, str):
        # as a literal in the code would be: equal words compare by identity, which the
        # generator's many `in` tests and dict lookups on table words rely on for speed
        return sys.intern(value)
    return value


def tables(module: str) -> dict[str, Any]:
    """The tables of ``module`` (e.g. "drugs"), read once by that module at import."""
    text = files("imr_synth").joinpath("data", f"{module}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):
        raise TypeError(f"imr_synth/data/{module}.json: expected an object of tables")
    return {k: _frozen(v) for k, v in data.items() if not k.startswith("_")}
