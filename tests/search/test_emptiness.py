"""Why a search found nothing (``imr_search.search.emptiness``), within the answer's time."""

from __future__ import annotations

import datetime as dt
import time

from imr_search.search.backend import Engine
from imr_search.search.deadline import Deadline
from imr_search.search.emptiness import why_nothing
from imr_search.search.request import SearchRequest

# isort: split
from factories import Counting


def test_each_cause_is_named(corpus_engine: Engine) -> None:
    later = SearchRequest(query="mri", date_from=dt.date(2090, 1, 1))
    assert "no indexed item was decided from 2090-01-01" in why_nothing(corpus_engine, later)
    unknown = SearchRequest(query="zqxwv")
    assert why_nothing(corpus_engine, unknown) == (
        "No matches: no item matches the query 'zqxwv' on its own."
    )


def test_past_the_answers_deadline_no_search_is_run_to_say_why(corpus_engine: Engine) -> None:
    # A query of 200 words no item has found nothing slowly; its answer's time is up, so the
    # reason is not searched for (it was, with no limit, for seconds).
    counting = Counting(corpus_engine)
    gone = Deadline.start(0.001)
    time.sleep(0.01)
    said = why_nothing(counting, SearchRequest(query="zqxwv qzxwv"), gone)
    assert not counting.searches
    assert said.startswith("No matches in the time the search had")
    # With time left, the same question is answered.
    said = why_nothing(counting, SearchRequest(query="zqxwv qzxwv"), Deadline.start(5.0))
    assert counting.searches
    assert "on its own" in said
