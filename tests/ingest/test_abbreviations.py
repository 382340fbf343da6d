"""Mining the abbreviations the letters define (imr_search.ingest.abbreviations): at each
index commit, counted per letter, kept beside the index, searched when seen in enough letters.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from imr_search.cli import main
from imr_search.ingest.abbreviations import count_pairs, letter_pairs, read_counts, save_counts
from imr_search.model import Letter
from imr_search.search.vocabulary import mined_pairs, mined_path

# isort: split
from factories import make_item, make_letter


def _letter(letter_id: str, summary: str) -> Letter:
    return make_letter(letter_id, items=[make_item(1)], summary=summary)


def test_a_letter_defines_its_pairs() -> None:
    letter = _letter(
        "A1",
        "A transcutaneous electrical nerve stimulation (TENS) unit was tried, then a "
        "functional capacity evaluation (FCE).",
    )
    assert letter_pairs(letter) == {
        ("tens", "transcutaneous electrical nerve stimulation"),
        ("fce", "functional capacity evaluation"),
    }


def test_pairs_are_counted_once_per_letter_and_kept_when_seen_enough(tmp_path: Path) -> None:
    text = "Utilization review (UR) denied it. The utilization review (UR) was appealed."
    letters = [_letter(f"A{i}", text) for i in range(3)]
    counts = count_pairs(letters)
    assert counts[("ur", "utilization review")] == 3
    path = tmp_path / "ix.abbreviations.json"
    save_counts(path, counts, rebuild=True)
    save_counts(path, count_pairs(letters[:1]), rebuild=False)  # an incremental run adds
    assert read_counts(path)[("ur", "utilization review")] == 4
    assert ("ur", "utilization review") in mined_pairs(path, min_letters=4)
    assert mined_pairs(path, min_letters=5) == []
    save_counts(path, count_pairs(letters[:1]), rebuild=True)  # a rebuild starts again
    assert read_counts(path)[("ur", "utilization review")] == 1


def test_the_index_command_mines_and_the_search_uses_the_pairs(tmp_path: Path) -> None:
    src = tmp_path / "letters"
    src.mkdir()
    ix = tmp_path / "ix"
    # Three letters that define a pair the built-in vocabulary does not hold.
    seed = (Path(__file__).parent.parent / "data" / "judged" / "letters" / "J06.txt").read_text()
    for i in range(3):
        text = seed.replace(
            "The treating physician recommends",
            "A work hardening program (WHP) was tried. The treating physician recommends",
        )
        (src / f"W{i}.txt").write_text(text.replace("EMG/NCV", f"EMG/NCV {i}"), "utf-8")
    result = CliRunner().invoke(main, ["index", str(src), "--index", str(ix)])
    assert result.exit_code == 0, result.output
    assert ("whp", "work hardening program") in mined_pairs(mined_path(ix))
    answer = CliRunner().invoke(main, ["search", "WHP", "--index", str(ix), "--everywhere"])
    assert "also searched: work hardening program" in answer.stdout
