"""Similar rationales on the 25 fixture letters plus one letter whose rationale is a near
duplicate (a few words changed, lines re-wrapped) of a real one."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from imr_search.analysis.similar import NEAR_DUPLICATE, resemblance, shingles, similar
from imr_search.cli import main
from imr_search.engines.registry import open_engine
from imr_search.errors import NotFoundError, UsageError
from imr_search.ingest.indexer import index_paths
from imr_search.model import Drug, Item, Letter
from imr_search.parse import parse_path
from imr_search.present.jsonforms import similar_dict
from imr_search.search.backend import Engine

# isort: split
from factories import FIXTURES
from factories import LETTER_SOURCES as SOURCES

ORIGINAL = "CM16-0234464#5"  # cyclobenzaprine: short course only, no documented response
COPY = "TEST-0000001#1"
UNRELATED = "CM16-0234464#6"  # lidocaine ointment, same letter and reviewer, other argument


def original_rationale() -> str:
    letter = parse_path(FIXTURES / "letters" / "CM16-0234464.pdf")
    return letter.items[4].rationale


def near_copy(text: str) -> str:
    """A few words changed, and the lines wrapped as a different PDF would wrap them."""
    changed = (
        text.replace("since 10/14/2016", "since 09/02/2016")
        .replace("The treatment should be brief.", "Treatment should be brief.")
        .replace("on 11/30/2016", "on 12/07/2016")
    )
    assert changed != text
    return textwrap.fill(changed, 61)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("similar") / "index"
    engine = open_engine(path, create=True)
    try:
        index_paths(engine, SOURCES)
        copy = Letter(
            id="TEST-0000001",
            source="test",
            layout="2014",
            case_number="TEST-0000001",
            decision_date=dt.date(2017, 3, 1),
            summary="A 52 year old man with chronic low back pain.",
            items=[
                Item(
                    number=1,
                    service="Cyclobenzaprine 7.5mg #30",
                    decision="upheld",
                    category="Pharmaceuticals",
                    subcategory="Muscle Relaxant",
                    drug=Drug(name="cyclobenzaprine", strength="7.5mg", quantity=30),
                    rationale=near_copy(original_rationale()),
                )
            ],
        )
        with engine.writer() as w:
            w.put(copy, source_key="test-copy", content_hash="copy")
    finally:
        engine.close()
    return path


@pytest.fixture(scope="module")
def engine(index_dir: Path) -> Iterator[Engine]:
    eng = open_engine(index_dir)
    yield eng
    eng.close()


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def row_of(groups: list, item_id: str) -> int:  # type: ignore[type-arg]
    return next(n for n, g in enumerate(groups) if item_id in [m.item_id for m in g.members])


# -- shingles ----------------------------------------------------------------------------------


def test_rewrapping_and_punctuation_do_not_change_shingles() -> None:
    text = original_rationale()
    assert resemblance(shingles(text), shingles(textwrap.fill(text, 40))) == 1.0
    assert resemblance(shingles(text), shingles(text.replace(",", " ").upper())) == 1.0


def test_a_few_changed_words_stay_above_the_threshold() -> None:
    text = original_rationale()
    assert resemblance(shingles(text), shingles(near_copy(text))) >= NEAR_DUPLICATE


def test_a_different_rationale_stays_below_the_threshold() -> None:
    letter = parse_path(FIXTURES / "letters" / "CM16-0234464.pdf")
    a, b = letter.items[4].rationale, letter.items[5].rationale
    assert resemblance(shingles(a), shingles(b)) < NEAR_DUPLICATE


# -- grouping and ranking ----------------------------------------------------------------------


def test_a_near_duplicate_is_grouped_with_its_original(engine: Engine) -> None:
    text = (
        "Cyclobenzaprine is recommended only as a short course of therapy of 2 to 3 weeks. "
        "The patient has used it for months, and there is no documentation of an objective "
        "response such as a decrease in pain or an increase in function."
    )
    groups = similar(engine, text=text)
    row = groups[row_of(groups, ORIGINAL)]
    assert {m.item_id for m in row.members} == {ORIGINAL, COPY}
    assert row.count == 2
    assert row_of(groups, ORIGINAL) == 0  # the same argument ranks first
    assert row.decisions() == {"upheld": 2, "overturned": 0}


def test_an_unrelated_rationale_is_not_grouped(engine: Engine) -> None:
    groups = similar(engine, item_id=COPY)
    original = groups[row_of(groups, ORIGINAL)]
    assert [m.item_id for m in original.members] == [ORIGINAL]  # the query itself is left out
    assert original.duplicate_of_query
    assert row_of(groups, UNRELATED) != row_of(groups, ORIGINAL)
    assert all(g.count == len({m.item_id for m in g.members}) for g in groups)


def test_the_same_argument_ranks_first(engine: Engine) -> None:
    # Paraphrases CM17-0008241's argument: no red flags, no neurologic findings, so no MRI.
    text = (
        "Imaging of the low back is warranted only when the neurologic examination shows "
        "unequivocal objective findings of nerve compromise. This claimant has a lumbar "
        "strain with sciatica; there are no red flag findings and no abnormal neurologic "
        "findings or radicular pain are documented, so an MRI is not supported."
    )
    groups = similar(engine, text=text)
    assert groups[0].first.item_id == "CM17-0008241#1"
    assert [g.similarity for g in groups] == sorted((g.similarity for g in groups), reverse=True)


def test_identical_template_rationales_fold_into_one_row(engine: Engine) -> None:
    # CM17-0006797 items 2-5 and CM17-0014449 items 2-15 share one ancillary-service sentence.
    groups = similar(engine, item_id="CM17-0006797#2")
    row = groups[row_of(groups, "CM17-0006797#3")]
    assert row.count == 3 + 14
    assert row.duplicate_of_query


def test_limit_caps_the_rows(engine: Engine) -> None:
    assert len(similar(engine, item_id=ORIGINAL, limit=3)) == 3


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("item_id", ["CM16-0234464#99", "NO-SUCH-LETTER#1", "CM16-0234464"])
def test_unknown_item_is_not_found(engine: Engine, item_id: str) -> None:
    with pytest.raises(NotFoundError, match=f"no item '{item_id}' in the index"):
        similar(engine, item_id=item_id)


@pytest.mark.parametrize(
    "kwargs", [{}, {"item_id": ORIGINAL, "text": "pain"}], ids=["neither", "both"]
)
def test_neither_or_both_is_a_usage_error(engine: Engine, kwargs: dict[str, str]) -> None:
    with pytest.raises(UsageError, match="give either an item id or a text"):
        similar(engine, **kwargs)  # type: ignore[arg-type]


# -- the command -------------------------------------------------------------------------------


def test_cli_unknown_item_exits_1_with_message(index_dir: Path) -> None:
    result = run("similar", "NOPE#1", "--index", str(index_dir))
    assert result.exit_code == 1
    assert result.stderr == (
        "imr-search: no item 'NOPE#1' in the index (item ids look like CM17-0001#1)\n"
    )


@pytest.mark.parametrize("args", [[], [ORIGINAL, "--text", "pain"]], ids=["neither", "both"])
def test_cli_needs_exactly_one_of_item_and_text(index_dir: Path, args: list[str]) -> None:
    result = run("similar", *args, "--index", str(index_dir))
    assert result.exit_code == 2
    assert result.stderr == "imr-search: give an ITEM_ID or --text TEXT, not both\n"


def test_cli_text_shows_the_folded_row(index_dir: Path) -> None:
    result = run("similar", COPY, "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    assert "CM16-0234464 #5  2017-01-20  UPHELD  (a copy of the query's rationale)" in result.stdout
    assert "+ 16 near duplicates; in all 17 upheld, 0 overturned" not in result.stdout
    folded = run("similar", "CM17-0006797#2", "--index", str(index_dir)).stdout
    assert "+ 16 near duplicates; in all 17 upheld, 0 overturned: " in folded


def test_cli_json_is_the_library_dict(index_dir: Path, engine: Engine) -> None:
    result = run("similar", ORIGINAL, "--limit", "5", "--format", "json", "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    expected = similar_dict(similar(engine, item_id=ORIGINAL, limit=5), item_id=ORIGINAL)
    assert json.loads(result.stdout) == expected


# -- prefix stability and rows decided otherwise (issue 11) -------------------------------------

_SENTENCES = [
    "There is no documentation of functional improvement with the prior sessions.",
    "The guidelines recommend a trial of six visits with objective gains before more.",
    "A urine drug screen and a pain contract are required for continued opioids.",
    "Imaging is indicated when red flags or a progressive neurologic deficit are present.",
    "Radiculopathy is documented on examination and corroborated by imaging.",
    "The patient has failed conservative care including medications and therapy.",
    "Muscle relaxants are recommended only for short courses in acute exacerbations.",
    "Topical compounds with an unapproved ingredient are not recommended.",
    "The request exceeds the number of visits the guidelines support.",
    "There are no red flags on examination and no change in the symptoms.",
    "Ongoing management requires review of pain relief, side effects and function.",
    "The injured worker reports pain of eight out of ten despite the medication.",
    "A home exercise program should be continued after formal therapy.",
    "The records do not state the response to the previous injection.",
    "Electrodiagnostic testing is supported when neuropathy is suspected clinically.",
    "Sleep hygiene should be addressed before a hypnotic is prescribed long term.",
]


def _varied_letters(n: int) -> list[Letter]:
    import random

    from factories import make_item, make_letter

    rng = random.Random(11)
    letters = []
    for k in range(n):
        text = " ".join(rng.sample(_SENTENCES, rng.randint(3, 6)))
        decision = "overturned" if k % 3 == 0 else "upheld"
        item = make_item(1, rationale=text, decision=decision)
        letters.append(make_letter(f"CM16-92{k:05d}", items=[item]))
    return letters


def test_a_smaller_limit_is_a_prefix_of_a_larger_one(new_engine: Engine) -> None:
    # More items than a limit-sized candidate pool would hold, so a pool that grew with the
    # limit would weigh phrases differently and reorder the rows.
    from factories import index_letters

    index_letters(new_engine, _varied_letters(260))
    rows = {
        limit: [
            (g.first.item_id, g.count, g.similarity)
            for g in similar(new_engine, item_id="CM16-9200000#1", limit=limit)
        ]
        for limit in (6, 20, 50)
    }
    assert len(rows[6]) == 6
    assert rows[6] == rows[20][:6]
    assert rows[20] == rows[50][:20]


def test_a_copy_decided_otherwise_is_labelled_so(new_engine: Engine) -> None:
    from factories import index_letters, make_item, make_letter

    wording = (
        "The guidelines recommend continued opioid therapy only with documented functional "
        "improvement, a current urine drug screen and a signed pain contract; the records "
        "show none of these, so the request for continued treatment is not medically necessary."
    )
    upheld = make_letter("CM16-9100001", items=[make_item(1, rationale=wording)])
    overturned = make_letter(
        "CM16-9100002", items=[make_item(1, decision="overturned", rationale=wording)]
    )
    index_letters(new_engine, [upheld, overturned])
    rows = similar(new_engine, item_id="CM16-9100001#1", limit=5)
    assert [g.first.item_id for g in rows] == ["CM16-9100002#1"]
    assert rows[0].duplicate_of_query
    assert rows[0].decided_otherwise
    label = rows[0].label or ""
    assert "decided differently" in label
    assert "copy" not in label


def test_an_item_id_in_another_case_gives_the_same_rows(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    item_id = corpus[2].item_id(corpus[2].items[0])
    rows = similar(corpus_engine, item_id=item_id.lower(), limit=10)
    assert [g.first.item_id for g in rows] == [
        g.first.item_id for g in similar(corpus_engine, item_id=item_id, limit=10)
    ]
    assert item_id not in {m.item_id for g in rows for m in g.members}
