"""Filter values are checked before a search (imr_search.search.filtervalues,
imr_search.search.lookup):
aliases applied and said, a value no item has refused with the closest values, on both engines
and through the CLI (exit 2). The API and the page are in test_server_filter_values.py.

Expected values come from the records (what the items carry) or from the vocabulary as
docs/vocabulary.md writes it, never from the checker's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from imr_search.cli import main
from imr_search.errors import NotFoundError, QueryError
from imr_search.model import Letter
from imr_search.search.aliases import closest
from imr_search.search.backend import Engine
from imr_search.search.fields import ALL_FIELDS, QUERY_FIELDS
from imr_search.search.filters import FILTER_FIELDS
from imr_search.search.filtervalues import check_filters
from imr_search.search.lookup import case_number_letter, find_letter
from imr_search.search.request import FILTERS, SearchRequest
from imr_search.search.service import prepare

# isort: split
from expected import FIELD_VALUE_CASES, as_field, error_detail

# (filter, a misspelt value, a value the message must offer) over the sample corpus.
TYPOS = [
    ("decision", "overturnd", "overturned"),
    ("category", "Pharmaceutical", "Pharmaceuticals"),
    ("subcategory", "Opiods", "Opioids"),
    ("specialty", "Orthopedc Surgery", "Orthopedic Surgery"),
    ("region", "cervical spne", "cervical spine"),
    ("modality", "mir", "mri"),
    ("drug", "tramadl", "tramadol"),
    ("guideline", "ODGG", "ODG"),
    ("mtus", "Chronic Pain Medical Treatmnt", "Chronic Pain Medical Treatment"),
    ("sex", "femal", "female"),
    ("year", "2O16", "2016"),
]
# (filter, alias, the value items carry) from data/filter-aliases.json as the docs list them.
ALIASES = [
    ("sex", "F", "female"),
    ("sex", "m", "male"),
    ("region", "lumbar", "lumbar spine"),
    ("region", "C-spine", "cervical spine"),
    ("subcategory", "PT/OT", "Physical Therapy/Occupational Therapy (PT/OT)"),
    ("specialty", "PM&R", "Physical Medicine & Rehabilitation"),
    ("specialty", "orthopedics", "Orthopedic Surgery"),
    ("decision", "overturn", "overturned"),
    ("category", "DME", "DMEPOS"),
    ("modality", "MRA", "mri"),
]


def count(engine: Engine, **filters: tuple[str, ...]) -> int:
    return engine.search(SearchRequest(filters=filters, size=1)).total


def test_every_filter_refuses_a_value_no_item_has(corpus_engine: Engine) -> None:
    # Over FILTER_FIELDS itself, so a filter added later is covered without a new line here.
    for name in FILTER_FIELDS:
        with pytest.raises(QueryError) as exc:
            check_filters(corpus_engine, {name: ("qqzzy-none",)})
        assert name in str(exc.value)
        assert "qqzzy-none" in str(exc.value)


@pytest.mark.parametrize(("name", "typo", "meant"), TYPOS)
def test_a_misspelt_value_names_the_closest_values(
    corpus_engine: Engine, name: str, typo: str, meant: str
) -> None:
    with pytest.raises(QueryError) as exc:
        check_filters(corpus_engine, {name: (typo,)})
    assert repr(meant) in str(exc.value)
    assert exc.value.hint
    assert meant in exc.value.hint


@pytest.mark.parametrize(("name", "alias", "value"), ALIASES)
def test_an_alias_is_applied_and_said(
    corpus_engine: Engine, corpus: list[Letter], name: str, alias: str, value: str
) -> None:
    checked = check_filters(corpus_engine, {name: (alias,)})
    assert checked.filters == {name: (value,)}
    assert checked.notes == (f"{name}: {alias!r} read as {value!r}",)


def test_an_alias_counts_what_its_value_counts(corpus_engine: Engine, corpus: list[Letter]) -> None:
    females = sum(len(le.items) for le in corpus if le.patient.sex == "female")
    checked = check_filters(corpus_engine, {"sex": ("F",)})
    assert count(corpus_engine, **checked.filters) == females > 0


def test_values_items_have_pass_unchanged(corpus_engine: Engine, corpus: list[Letter]) -> None:
    # "Pain Medicine" is not in the DWC list, but corpus letters carry it: it is a real value.
    assert any("Pain Medicine" in le.reviewer.specialties for le in corpus)
    given = {
        "specialty": ("Pain Medicine",),
        "state": ("California", "NY"),
        "drug": ("Norco",),
        "age": ("40-49",),
    }
    checked = check_filters(corpus_engine, given)
    assert checked.filters == given
    assert checked.notes == ()


def test_a_vocabulary_value_no_item_has_yet_is_a_true_zero(corpus_engine: Engine) -> None:
    # Dental Services is a DWC subcategory; the corpus has none, and 0 is then the answer.
    checked = check_filters(corpus_engine, {"subcategory": ("Dental Services",)})
    assert count(corpus_engine, **checked.filters) == 0


def test_every_era_of_the_table_and_current_are_valid_values(corpus_engine: Engine) -> None:
    # The corpus's UR denials end in 2017: no item is of today's era, and 0 is then the answer.
    for era in ("current", "update-2021-11-23", "formulary-2018"):
        checked = check_filters(corpus_engine, {"era": (era,)})
        assert count(corpus_engine, **checked.filters) == 0


def test_an_alias_that_repeats_a_value_is_dropped(corpus_engine: Engine) -> None:
    checked = check_filters(corpus_engine, {"sex": ("female", "F")})
    assert checked.filters == {"sex": ("female",)}


def test_closest_prefers_spellings_then_containing_words() -> None:
    values = ["Orthopedic Surgery", "Hand Surgery", "Pain Management"]
    assert closest("orthopedic", values)[0] == "Orthopedic Surgery"
    assert closest("zzz", values) == []


# -- letters by any case and by case number ---------------------------------------------------


def test_letter_ids_are_case_insensitive(corpus_engine: Engine, corpus: list[Letter]) -> None:
    letter = corpus[3]
    assert find_letter(corpus_engine, letter.id.lower()).id == letter.id
    assert find_letter(corpus_engine, f"  {letter.id.lower()} ").id == letter.id
    with pytest.raises(NotFoundError):
        find_letter(corpus_engine, "CM99-0000000")


def test_a_case_number_query_names_its_letter(corpus_engine: Engine, corpus: list[Letter]) -> None:
    letter = corpus[5]
    assert letter.case_number
    assert case_number_letter(corpus_engine, letter.case_number.lower()) == letter.id
    assert case_number_letter(corpus_engine, f'"{letter.case_number}"') == letter.id
    assert case_number_letter(corpus_engine, "CM99-0000000") is None
    assert case_number_letter(corpus_engine, f"{letter.case_number} mri") is None


# -- the CLI ----------------------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


CLI_BAD = [
    ("--decision", "overturnd", "overturned"),
    ("--sex", "femal", "female"),
    ("--state", "ZZ", "no item has 'ZZ'"),
    ("--specialty", "Orthopedc Surgery", "Orthopedic Surgery"),
    ("--subcategory", "Opiods", "Opioids"),
    ("--region", "lumbar spin", "lumbar spine"),
    ("--category", "Pharmaceutical", "Pharmaceuticals"),
    ("--guideline", "MTSU", "MTUS"),
    ("--drug", "cyclobenzaprin", "cyclobenzaprine"),
    ("--modality", "mir", "mri"),
    ("--mtus", "Chronic Pain", "Chronic Pain Medical Treatment"),
    ("--year", "20x6", "not a year"),
    ("--age", "45", "40-49"),
    ("--outcome", "partialy overturned", "partially overturned"),
    # CM17-0003591 cites MTUS Knee Complaints 2004, Special Studies on both sides.
    ("--citation", "MTUS > Knee Complaints 2004 > Special Studie", "Special Studies"),
    ("--urcitation", "MTUS > Knee Complaint 2004", "MTUS > Knee Complaints 2004"),
    ("--cites", "MTUS onl", "MTUS only"),
    ("--era", "mtus-216", "mtus-2016"),
    ("--reason", "exceeds-limit", "exceeds-limits"),
]


def test_the_cli_cases_cover_every_filter() -> None:
    assert {option.removeprefix("--") for option, _, _ in CLI_BAD} == set(FILTERS)


@pytest.mark.parametrize(("option", "value", "said"), CLI_BAD)
def test_cli_refuses_a_bad_filter_value_with_exit_2(
    letters_index: Path, option: str, value: str, said: str
) -> None:
    result = run("search", option, value, "--index", str(letters_index))
    assert result.exit_code == 2, result.output
    assert said in result.stderr
    assert "Traceback" not in result.output


def test_cli_applies_an_alias_and_says_so(
    letters_index: Path, letter_records: list[Letter]
) -> None:
    lumbar = sum(1 for le in letter_records for it in le.items if it.body_region == "lumbar spine")
    assert lumbar > 0
    result = run("search", "--region", "lumbar", "--index", str(letters_index))
    assert result.exit_code == 0, result.output
    assert "region: 'lumbar' read as 'lumbar spine'" in result.stderr
    assert result.stdout.startswith(f"{lumbar} items")


def test_cli_precedents_checks_filters_too(letters_index: Path) -> None:
    result = run("precedents", "MRI lumbar", "--sex", "X", "--index", str(letters_index))
    assert result.exit_code == 2
    assert "sex filter" in result.stderr


def test_cli_show_and_search_by_case_number(
    letters_index: Path, letter_records: list[Letter]
) -> None:
    letter = next(le for le in letter_records if le.case_number and len(le.items) > 1)
    assert letter.case_number
    shown = run("show", letter.case_number.lower(), "--index", str(letters_index))
    assert shown.exit_code == 0
    assert shown.stdout.startswith(letter.id)
    found = run("search", letter.case_number.lower(), "--index", str(letters_index))
    assert found.exit_code == 0, found.output
    assert found.stdout.startswith(f"{len(letter.items)} items")
    assert f"case number of letter {letter.id}" in found.stderr


# -- unclassified items are counted --------------------------------------------------------------


def test_an_unclassified_item_is_counted_as_none(new_engine: Engine, tmp_path: Path) -> None:
    from factories import index_letters, make_item, make_letter

    odd = make_item(2, service="Zorblax widget", category=None, subcategory=None, body_region=None)
    letter = make_letter("CM16-7000001", items=[make_item(1), odd])
    index_letters(new_engine, [letter])
    facets = new_engine.search(SearchRequest(facets=True)).facets
    assert {f.value: f.count for f in facets["category"]}["(none)"] == 1
    assert {f.value: f.count for f in facets["subcategory"]}["(none)"] == 1
    assert new_engine.stats().unclassified == 1
    checked = check_filters(new_engine, {"category": ("(none)",)})
    hits = new_engine.search(SearchRequest(filters=checked.filters)).hits
    assert [h.service for h in hits] == ["Zorblax widget"]


# -- field values typed in a query are the filters' values (issue 25, point 3) -----------------


def query_count(engine: Engine, query: str) -> tuple[int, list[str]]:
    prepared = prepare(engine, SearchRequest(query=query, size=1))
    return engine.search(prepared.request).total, prepared.all_notes


@pytest.mark.parametrize(("name", "alias", "value"), ALIASES)
def test_a_field_value_gets_the_filters_alias(
    corpus_engine: Engine, corpus: list[Letter], name: str, alias: str, value: str
) -> None:
    field = FILTER_FIELDS[name]
    quoted = f'"{alias}"' if " " in alias else alias
    total, notes = query_count(corpus_engine, f"{field}:{quoted}")
    assert total == count(corpus_engine, **{name: (value,)})
    # The flag's note, word for word: enum fields (decision, sex) as the keyword ones.
    assert notes == [f"{name}: {alias!r} read as {value!r}"]


def test_field_values_count_what_the_records_say(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    items = [it for le in corpus for it in le.items]
    lumbar = sum(1 for it in items if "lumbar spine" in it.body_regions)
    upheld = sum(1 for it in items if it.decision == "upheld")
    pt = sum(1 for it in items if it.subcategory == "Physical Therapy/Occupational Therapy (PT/OT)")
    ortho = sum(len(le.items) for le in corpus if "Orthopedic Surgery" in le.reviewer.specialties)
    assert min(lumbar, upheld, pt, ortho) > 0
    assert query_count(corpus_engine, "region:lumbar")[0] == lumbar
    assert query_count(corpus_engine, "decision:denied")[0] == upheld
    assert query_count(corpus_engine, "subcategory:PT/OT")[0] == pt
    assert query_count(corpus_engine, "specialty:ortho")[0] == ortho
    # Inside a boolean query and a group too.
    both = sum(1 for it in items if "lumbar spine" in it.body_regions and it.decision == "upheld")
    assert query_count(corpus_engine, "decision:denied AND region:(lumbar)")[0] == both


# Every filter whose field the query language has, but the year (a range over "decided").
@pytest.mark.parametrize(
    ("name", "typo", "meant"),
    [t for t in TYPOS if t[0] != "year" and FILTER_FIELDS[t[0]] in QUERY_FIELDS],
)
def test_a_misspelt_field_value_names_the_closest_values(
    corpus_engine: Engine, name: str, typo: str, meant: str
) -> None:
    field = FILTER_FIELDS[name]
    with pytest.raises(QueryError) as exc:
        query_count(corpus_engine, f'{field}:"{typo}"')
    assert repr(meant) in str(exc.value)
    assert exc.value.hint
    assert meant in exc.value.hint


def test_region_lumbr_is_refused_as_the_flag_refuses_it(corpus_engine: Engine) -> None:
    with pytest.raises(QueryError) as flag:
        check_filters(corpus_engine, {"region": ("lumbr",)})
    with pytest.raises(QueryError) as field:
        query_count(corpus_engine, "region:lumbr")
    assert "'lumbar'" in str(field.value)
    assert flag.value.hint == field.value.hint


def test_a_field_pattern_is_left_as_typed(corpus_engine: Engine, corpus: list[Letter]) -> None:
    lumbar = sum(1 for le in corpus for it in le.items if "lumbar spine" in it.body_regions)
    assert query_count(corpus_engine, "region:lumb*") == (lumbar, [])


def test_cli_field_values_as_the_flags(letters_index: Path, letter_records: list[Letter]) -> None:
    lumbar = sum(1 for le in letter_records for it in le.items if it.body_region == "lumbar spine")
    result = run("search", "region:lumbar", "--index", str(letters_index))
    assert result.exit_code == 0, result.output
    assert "region: 'lumbar' read as 'lumbar spine'" in result.stderr
    assert result.stdout.startswith(f"{lumbar} items")
    bad = run("search", "region:lumbr", "--index", str(letters_index))
    assert bad.exit_code == 2
    assert "no item has 'lumbr'" in bad.stderr
    assert "'lumbar'" in bad.stderr


# -- the flag and the field, side by side (issue 25, point 3) ----------------------------------


def test_the_cases_cover_every_filter_a_query_field_shares() -> None:
    shared = {
        name
        for name, field in FILTER_FIELDS.items()
        if field in QUERY_FIELDS and ALL_FIELDS[field].kind in ("keyword", "enum")
    }
    assert {name for name, _, _ in FIELD_VALUE_CASES} == shared


def notes_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("note: ")]


@pytest.mark.parametrize(("name", "value", "typo"), FIELD_VALUE_CASES)
def test_cli_flag_and_field_agree(letters_index: Path, name: str, value: str, typo: str) -> None:
    index = ("--index", str(letters_index), "--limit", "100")
    flag = run("search", f"--{name}", value, *index)
    field = run("search", as_field(name, value), *index)
    assert flag.exit_code == field.exit_code == 0, flag.output + field.output
    assert flag.stdout == field.stdout  # the same count, the same items
    assert notes_of(flag.stderr) == notes_of(field.stderr)
    bad_flag = run("search", f"--{name}", typo, *index)
    bad_field = run("search", as_field(name, typo), *index)
    assert bad_flag.exit_code == bad_field.exit_code == 2
    flag_lines, field_lines = bad_flag.stderr.splitlines(), bad_field.stderr.splitlines()
    assert flag_lines[0].startswith(f"imr-search: {name} filter: ")
    assert field_lines[0].startswith(f"imr-search: {name}: ")
    prefix = "imr-search: "
    assert error_detail(flag_lines[0].removeprefix(prefix), name) == error_detail(
        field_lines[0].removeprefix(prefix), name
    )
    assert flag_lines[1:] == field_lines[1:]  # the hint: the same closest values
    assert "hint: " in bad_flag.stderr


# The generated corpus cites other sections than the fixture letters.
CORPUS_VALUES = {
    "citation": "MTUS > Chronic Pain Medical Treatment 2009 > Physical Medicine",
    "urcitation": "ODG > Neck and Upper Back > MRI",
}


@pytest.mark.parametrize(("name", "value", "typo"), FIELD_VALUE_CASES)
def test_engine_flag_and_field_agree(
    corpus_engine: Engine, name: str, value: str, typo: str
) -> None:
    value = CORPUS_VALUES.get(name, value)
    flag = prepare(corpus_engine, SearchRequest(filters={name: (value,)}, size=100))
    field = prepare(corpus_engine, SearchRequest(query=as_field(name, value), size=100))
    assert flag.notes == field.notes
    by_flag, by_field = corpus_engine.search(flag.request), corpus_engine.search(field.request)
    # The same items (a filter is not scored, a query's term is: the order may differ).
    assert {h.item_id for h in by_flag.hits} == {h.item_id for h in by_field.hits}
    assert by_flag.total == by_field.total
    errors = []
    for request in (
        SearchRequest(filters={name: (typo,)}),
        SearchRequest(query=as_field(name, typo)),
    ):
        with pytest.raises(QueryError) as exc:
            prepare(corpus_engine, request)
        errors.append((error_detail(str(exc.value), name), exc.value.hint))
    assert errors[0] == errors[1]
    assert errors[0][1]  # a hint naming the closest values


def test_cli_tables_read_values_as_the_search(
    letters_index: Path, letter_records: list[Letter]
) -> None:
    lumbar = sum(1 for le in letter_records for it in le.items if "lumbar spine" in it.body_regions)
    assert lumbar > 0
    index = ("--index", str(letters_index))
    for args in (("--region", "lumbar"), ("region:lumbar",)):
        stats = run("stats", "--by", "decision", *args, *index)
        assert stats.exit_code == 0, stats.output
        assert stats.stdout.startswith(f"{lumbar} items, ")
        assert "note: region: 'lumbar' read as 'lumbar spine'" in stats.stderr
        cited = run("citator", *args, *index)
        assert cited.exit_code == 0, cited.output
        assert cited.stdout.startswith(f"{lumbar} items, ")
        for command in (("stats", "--by", "decision"), ("citator",)):
            typo = [a.replace("lumbar", "lumbr") for a in args]
            refused = run(*command, *typo, *index)
            assert refused.exit_code == 2
            assert "no item has 'lumbr'" in refused.stderr
