"""Saved searches after an index run read only the letters the run wrote: on both engines, with
a real SQLite alerts database, the new items are exactly those worked out from the records
(the run's letters matching the search, less the items seen before), and the same as the
full comparison of every match gives."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from imr_search.analysis.alerts import AlertStore, SavedSearch
from imr_search.ingest.indexer import index_records
from imr_search.model import Item, Letter
from imr_search.search.backend import Engine

# isort: split
from factories import make_item, make_letter, sample_corpus


def lines(letters: list[Letter]) -> list[str]:
    return [json.dumps(lt.to_dict()) for lt in letters]


def matching(letters: list[Letter], keep: str) -> set[str]:
    """Item ids of ``letters`` that a saved search matches, worked out from the records."""
    out: set[str] = set()
    for lt in letters:
        for item in lt.items:
            if (keep == "overturned" and item.decision == "overturned") or (
                keep == "female" and lt.patient.sex == "female"
            ):
                out.add(lt.item_id(item))
    return out


def with_item(letter: Letter, item: Item) -> Letter:
    return replace(letter, items=[*letter.items, item])


def test_a_run_reports_exactly_the_new_matching_items(new_engine: Engine, tmp_path: Path) -> None:
    corpus = sample_corpus(30)
    before = corpus[:18]
    index_records(new_engine, lines(before), name="first.jsonl")
    db = tmp_path / "alerts.sqlite"
    with AlertStore(db) as store:
        store.add(new_engine, SavedSearch("overturned", "", {"decision": ("overturned",)}))
        store.add(new_engine, SavedSearch("female", "", {"sex": ("female",)}))
        store.add(new_engine, SavedSearch("epidural", "epidural", {}))
    shutil.copy(db, tmp_path / "full.sqlite")

    # The next day: new letters, a letter read again unchanged in its items but with another
    # summary (its items were seen: not new), and a letter that gained an overturned item.
    changed = replace(before[0], summary="Corrected summary of the same case.")
    grown = with_item(before[1], make_item(9, decision="overturned"))
    day = [*corpus[18:], changed, grown]
    report = index_records(new_engine, lines(day), name="second.jsonl")
    assert report.written is not None
    assert sorted(report.written) == sorted(lt.id for lt in day)
    after = [*corpus[2:], changed, grown]

    with AlertStore(db) as store:
        run = store.record_run(new_engine, report.written)
    with AlertStore(tmp_path / "full.sqlite") as store:
        full = store.record_run(new_engine, None)
    for name in ("overturned", "female"):
        expected = matching(after, name) - matching(before, name)
        assert expected  # the day brings each search something
        found = [i.item_id for i in run.new[name]]
        assert sorted(found) == sorted(expected), name
        assert sorted(i.item_id for i in full.new[name]) == sorted(expected), name
    assert f"{grown.id}#9" in {i.item_id for i in run.new["overturned"]}

    # What was recorded is what the store lists as the run's new items, and a run that writes
    # nothing finds nothing new.
    with AlertStore(db) as store:
        assert {i.item_id for i in store.new_items("female")} == matching(after, "female") - (
            matching(before, "female")
        )
        assert store.record_run(new_engine, []).new == {
            "epidural": [],
            "female": [],
            "overturned": [],
        }

    # A day whose one letter only mentions the saved search's word in a rationale: the whole
    # search finds decisions about it (epidural injections) and not this one, so it is not new
    # (a search of the day's letters alone would widen to the rationales).
    mention = make_letter(
        "CM19-0000001",
        items=[make_item(1, service="TENS unit rental", rationale="An epidural gave no relief.")],
    )
    report = index_records(new_engine, lines([mention]), name="third.jsonl")
    with AlertStore(db) as store:
        assert store.record_run(new_engine, report.written).new["epidural"] == []
    with AlertStore(tmp_path / "full.sqlite") as store:
        assert store.record_run(new_engine, None).new["epidural"] == []
