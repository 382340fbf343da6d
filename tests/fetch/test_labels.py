"""DWC's labels on parsed items: matched by order and category, never guessed."""

from __future__ import annotations

from factories import make_item, make_letter

from imr_search.fetch.labels import COUNT_WARNING, apply, match
from imr_search.fetch.ledger import Treatment


def _t(category: str, sub: str | None, decision: str = "upheld") -> Treatment:
    return Treatment(category, sub, decision, f"{category} * {sub}")  # type: ignore[arg-type]


def test_items_take_dwcs_labels_in_order_and_by_category() -> None:
    items = [
        make_item(1, category="Pharmaceuticals", subcategory="NSAID"),
        make_item(2, category="Rehabilitation", subcategory="Chiropractic"),
        make_item(3, category=None, subcategory=None),
    ]
    letter = make_letter(items=items)
    treatments = [
        _t("Rehabilitation", "Physical Therapy/Occupational Therapy (PT/OT)"),
        _t("Pharmaceuticals", "Opioids"),
        _t("DMEPOS", "DME"),
    ]
    assert match(letter.items, treatments) == [1, 0, 2]
    out = apply(letter, treatments)
    assert [(i.category, i.subcategory, i.category_source) for i in out.items] == [
        ("Pharmaceuticals", "Opioids", "dwc"),
        ("Rehabilitation", "Physical Therapy/Occupational Therapy (PT/OT)", "dwc"),
        ("DMEPOS", "DME", "dwc"),
    ]
    # the parser's record is left as it was (the record cache keeps it)
    assert letter.items[0].subcategory == "NSAID"
    assert letter.items[0].category_source == "parsed"


def test_a_count_that_differs_keeps_the_parsers_labels_and_says_so() -> None:
    letter = make_letter(items=[make_item(1), make_item(2)])
    out = apply(letter, [_t("DMEPOS", "DME")])
    assert [i.category for i in out.items] == [i.category for i in letter.items]
    assert {i.category_source for i in out.items} == {"parsed"}
    assert any(w.startswith(COUNT_WARNING) and "DWC lists 1" in w for w in out.warnings)


def test_without_dwcs_rows_nothing_changes() -> None:
    letter = make_letter(items=[make_item(1)])
    assert apply(letter, []) is letter
