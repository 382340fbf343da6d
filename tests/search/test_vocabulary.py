"""The query's vocabulary: what a plain word also searches, and what it never touches."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from imr_search.parse.drugs import generic_name
from imr_search.search.syntax import parse
from imr_search.search.tree import And, Not, Or, Phrase, Term, walk
from imr_search.search.vocabulary import (
    expand,
    lexicon_spelling,
    make_vocabulary,
    respelled,
    vocabulary,
)

VOCAB = vocabulary()


def also(query: str) -> list[str]:
    return expand(parse(query), VOCAB).also


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("PT", "physical therapy"),
        ("ESI", "epidural steroid injection"),
        ("ESI", "cesi"),  # a narrower term: an ESI search finds the cervical ones
        ("CESI", "cervical epidural steroid injection"),
        ("TFESI", "transforaminal epidural steroid injection"),
        ("MBB", "medial branch block"),
        ("RFA", "radiofrequency ablation"),
        ("UDS", "urine drug screen"),
        ("UDT", "urine drug test"),
        ("TENS", "transcutaneous electrical nerve stimulation"),
        ("FCE", "functional capacity evaluation"),
        ("EMG", "electromyography"),
        ("NCV", "nerve conduction velocity"),
        ("H-wave", "hwave"),
        ("FRP", "functional restoration program"),
        ("DME", "durable medical equipment"),
        ("HEP", "home exercise program"),
        ("CBT", "cognitive behavioral therapy"),
        ("PRP", "platelet rich plasma"),
        ("SCS", "spinal cord stimulator"),
        ("w/o", "without"),
        ("epidural steroid injection", "esi"),  # and back: the words find the abbreviation
        ("cervical ESI", "cesi"),
        ("transcutaneous electrical nerve stimulation", "tens"),
        ("norco", "hydrocodone/acetaminophen"),
        ("vicodin", "hydrocodone/acetaminophen"),
        ("hydrocodone/apap", "hydrocodone/acetaminophen"),
        ("APAP", "acetaminophen"),
        ("Ultram", "tramadol"),
        ("Flexeril", "cyclobenzaprine"),
        ("Prilosec", "omeprazole"),
        ("Soma", "carisoprodol"),
    ],
)
def test_a_plain_word_also_searches_what_it_stands_for(query: str, expected: str) -> None:
    assert expected in also(query)


@pytest.mark.parametrize(
    "query", ['"PT"', "service:PT", "rationale:norco", '"epidural steroid injection"']
)
def test_quotes_and_fields_are_never_expanded(query: str) -> None:
    expansion = expand(parse(query), VOCAB)
    assert expansion.also == []
    assert expansion.tree == parse(query)


def test_the_expanded_tree_keeps_what_was_typed_and_ors_the_rest() -> None:
    tree = expand(parse("PT lumbar"), VOCAB).tree
    assert isinstance(tree, And)
    first = tree.children[0]
    # PT, or physical therapy, but not beside PTT or INR (prothrombin time)
    assert isinstance(first, And)
    assert isinstance(first.children[0], Or)
    assert Term(None, "PT") in first.children[0].children
    assert Phrase(None, "physical therapy") in first.children[0].children
    assert isinstance(first.children[1], Not)
    assert tree.children[1] == Term(None, "lumbar")


def test_a_word_the_vocabulary_does_not_know_is_left_alone() -> None:
    assert expand(parse("wheelchair"), VOCAB).tree == parse("wheelchair")


def test_a_topical_brand_or_a_kit_is_its_own_name() -> None:
    # Lidoderm is the lidocaine patch: searching every lidocaine product would be wrong.
    assert generic_name("Lidoderm") is None
    assert generic_name("Terocin") is None
    assert "lidocaine" not in also("lidoderm")


def test_a_long_form_does_not_search_an_ambiguous_two_letter_short_form() -> None:
    # OT is also "other"; PT is searched only with its other sense (PT/PTT) left out.
    assert "ot" not in also("occupational therapy")
    assert "pt (not beside ptt, inr)" in also("physical therapy")


def test_drug_names_come_from_the_parser_lexicon() -> None:
    data = json.loads(resources.files("imr_search").joinpath("data/drugs.json").read_text())
    for brand, generic in data["brands"].items():
        if brand not in data["topical_brands"] and brand not in data["kits"]:
            assert generic_name(brand) == generic, brand


def test_pairs_mined_from_an_index_join_the_builtin_ones() -> None:
    vocab = vocabulary([("ODG", "official disability guidelines")])
    assert "official disability guidelines" in expand(parse("odg"), vocab).also
    assert "odg" in expand(parse("official disability guidelines"), vocab).also


def test_a_narrower_term_is_searched_one_way() -> None:
    vocab = make_vocabulary([], narrower=[("esi", "cesi")])
    assert vocab.alternatives("esi") == ["cesi"]
    assert vocab.alternatives("cesi") == []


def test_respelling_replaces_plain_words_only() -> None:
    tree = respelled(parse('flexiril service:flexiril "flexiril"'), {"flexiril": "flexeril"})
    words = [n for n in walk(tree) if isinstance(n, Term | Phrase)]
    assert words == [
        Term(None, "flexeril"),
        Term("service", "flexiril"),
        Phrase(None, "flexiril"),
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [("flexiril", "flexeril"), ("gabapentine", "gabapentin"), ("tramadal", "tramadol")],
)
def test_a_misspelt_drug_is_corrected_towards_the_lexicon(word: str, expected: str) -> None:
    assert lexicon_spelling(word, VOCAB) == expected


def test_a_short_or_unknown_word_is_not_corrected() -> None:
    assert lexicon_spelling("pain", VOCAB) is None
    assert lexicon_spelling("wheelchair", VOCAB) is None


def test_physiotherapy_beside_chiropractic_is_the_chiropractor_s_service() -> None:
    # "PT" also searches physiotherapy, but not "chiropractic physiotherapy" (Chiropractic).
    said = also("PT")
    assert "physiotherapy (not beside chiropractic, chiro, chiropractor)" in said
    assert "physiotherapy" not in said  # said once, with its qualification
    tree = expand(parse("physiotherapy"), VOCAB).tree
    assert isinstance(tree, And)
    assert isinstance(tree.children[1], Not)


@pytest.mark.parametrize(
    ("query", "word"), [("chiropractic physiotherapy", "physiotherapy"), ("PT PTT", "PT")]
)
def test_a_query_that_names_the_other_sense_asks_for_it(query: str, word: str) -> None:
    assert not any(a.startswith(f"{word} (not beside") for a in also(query))
