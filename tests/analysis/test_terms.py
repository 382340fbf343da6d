"""Tokens, phrases, sentences, key sentences and the distinctive-phrase test."""

from __future__ import annotations

import math

import pytest

from imr_search.analysis.stats import chi2_1df_critical, g2_2x2
from imr_search.analysis.terms import distinctive_terms, key_sentence, phrases, sentences


def test_phrases_are_literal_runs_without_stopwords() -> None:
    found = phrases("There are no red flags. Functional improvement was documented, as required.")
    assert {"red flags", "no red flags", "functional improvement", "documented"} <= found
    assert "flags functional" not in found  # never across a sentence end
    assert "improvement documented" not in found  # "was" is a stopword: the run breaks
    assert "no" not in found
    assert "no red" in found


def test_phrases_restating_the_verdict_are_dropped() -> None:
    found = phrases("The request is not medically necessary.")
    assert not any("necessary" in p or "medically" in p for p in found)
    assert found == {"request"}


def test_sentences_keep_abbreviations_and_split_a_missing_space() -> None:
    text = "Per Dr. Smith, e.g. tramadol 50 mg. daily was used.In this case it failed. Next one."
    assert sentences(text) == [
        "Per Dr. Smith, e.g. tramadol 50 mg. daily was used.",
        "In this case it failed.",
        "Next one.",
    ]


def test_key_sentence_is_the_reason_before_a_bare_verdict() -> None:
    rationale = (
        "MTUS guidelines recommend opioids only with documented functional improvement. "
        "In this case, there is no documentation of improved function on tramadol. "
        "Therefore, the request for Tramadol 50mg #60 is not medically necessary."
    )
    assert key_sentence(rationale, "Tramadol 50mg #60") == (
        "In this case, there is no documentation of improved function on tramadol."
    )


def test_key_sentence_is_a_verdict_that_gives_its_reason() -> None:
    rationale = (
        "ODG supports repeat imaging after a significant change. "
        "As there are no red flags, the MRI is not medically necessary."
    )
    assert (
        key_sentence(rationale) == "As there are no red flags, the MRI is not medically necessary."
    )


def test_key_sentence_skips_the_guideline_quote() -> None:
    rationale = (
        "The patient had 8 sessions with relief. "
        "The guidelines state that MTUS does not address repeat courses. "
        "The request is medically necessary."
    )
    assert key_sentence(rationale) == "The patient had 8 sessions with relief."


def test_key_sentence_without_a_verdict_overlaps_the_request() -> None:
    rationale = "The knee was swollen. A knee MRI is recommended by the guidelines. End of note."
    assert key_sentence(rationale, "MRI knee") == "A knee MRI is recommended by the guidelines."


def test_distinctive_terms_finds_the_phrase_and_counts_rationales() -> None:
    overturned = [f"Functional improvement is documented in visit {n}." for n in range(20)]
    upheld = [f"There are no red flags on exam {n}." for n in range(16)] + [
        f"Functional improvement is not shown on exam {n}." for n in range(4)
    ]
    t = distinctive_terms(overturned, upheld, names=("overturned", "upheld"))
    assert t.tested
    top = {s.term: s for s in t.a_terms}
    assert "functional improvement" in top
    fi = top["functional improvement"]
    assert (fi.count, fi.other_count) == (20, 4)
    assert fi.g2 == pytest.approx(g2_2x2(20, 0, 4, 16))
    assert "no red flags" in {s.term for s in t.b_terms}
    assert "red flags" not in {s.term for s in t.b_terms}  # inside "no red flags", same counts
    assert t.critical == pytest.approx(chi2_1df_critical(0.05 / t.phrases_tested))
    # "functional" alone is covered by "functional improvement" with the same counts
    assert "functional" not in top


def test_distinctive_terms_count_a_repeated_rationale_once() -> None:
    same = ["Functional improvement is documented."] * 30
    t = distinctive_terms(same, ["No red flags."] * 30)
    assert (t.a_size, t.b_size) == (1, 1)
    assert not t.tested


def test_small_groups_are_not_tested() -> None:
    t = distinctive_terms(
        [f"red flags {n}" for n in range(9)], [f"improvement {n}" for n in range(50)],
        names=("overturned", "upheld"),
    )  # fmt: skip
    assert not t.tested
    assert t.a_terms == []
    assert t.b_terms == []
    assert t.note == (
        "too few rationales to compare (9 overturned, 50 upheld; at least 10 of each are "
        "needed): no phrases are reported"
    )


def test_no_difference_means_no_terms() -> None:
    texts = [f"Functional improvement noted on day {n}." for n in range(15)]
    others = [f"Functional improvement noted on day {n + 100}." for n in range(15)]
    t = distinctive_terms(texts, others)
    assert t.tested
    assert t.a_terms == []
    assert t.b_terms == []
    assert t.note == "no phrase differs significantly between the groups"
    assert math.isfinite(t.critical or 0)
