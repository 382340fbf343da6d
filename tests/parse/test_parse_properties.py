"""Property tests: any text, and random mutations of real letters, give a record or the
parser's own ParseError, never another exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imr_search.errors import ParseError
from imr_search.model import Letter
from imr_search.parse import parse_text

SEEDS = sorted((Path(__file__).parent.parent / "fixtures" / "seeds").glob("*.txt"))
LETTER_LINES = [p.read_text().splitlines() for p in SEEDS]

KEYWORDS = st.sampled_from(
    [
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "CLINICAL CASE SUMMARY",
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        ": Upheld",
        ": Overturned",
        "Upheld",
        "Decision rationale:",
        "MAXIMUS guideline:",
        "Claims Administrator guideline:",
        "was the original request.",
        "State(s) of Licensure:",
        "Case Number: CM16-0213037",
        "Date Assigned: 13/45/2016",
        "ISSUE AT DISPUTE:",
        "has determined the request for",
        "is not medically necessary and appropriate",
        "\n",
        "\n\n",
        " ",
    ]
)


def parse_or_error(text: str) -> Letter | None:
    try:
        letter = parse_text(text, source="prop.txt")
    except ParseError:
        return None
    # A record that comes out must be a whole one.
    assert letter.items
    assert all(i.decision in ("upheld", "overturned") for i in letter.items)
    assert Letter.from_dict(letter.to_dict()) == letter
    return letter


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_record_or_a_parse_error(text: str) -> None:
    parse_or_error(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(KEYWORDS, st.text(max_size=30)), max_size=40))
def test_letter_shaped_noise_gives_a_record_or_a_parse_error(parts: list[str]) -> None:
    parse_or_error("".join(parts))


@st.composite
def mutated_letter(draw: st.DrawFn) -> str:
    lines = list(draw(st.sampled_from(LETTER_LINES)))
    for _ in range(draw(st.integers(0, 8))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "join", "double", "split", "duplicate"]))
        if op == "delete":
            del lines[i]
        elif op == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + lines[i + 1]]
        elif op == "double":
            lines.insert(i, "")
            lines.insert(i, "")
        elif op == "split" and lines[i]:
            cut = draw(st.integers(0, len(lines[i])))
            lines[i : i + 1] = [lines[i][:cut], lines[i][cut:]]
        elif op == "duplicate":
            lines.insert(i, lines[i])
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_letter())
def test_mutated_real_letters_give_a_record_or_a_parse_error(text: str) -> None:
    parse_or_error(text)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(LETTER_LINES), st.integers(1, 3))
def test_doubling_blank_lines_changes_nothing(lines: list[str], blanks: int) -> None:
    original = parse_text("\n".join(lines), source="x.txt")
    spaced = parse_text(("\n" * (blanks + 1)).join(lines), source="x.txt")
    assert [i.to_dict() for i in spaced.items] == [i.to_dict() for i in original.items]
