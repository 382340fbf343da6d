"""Text clean-up: undo the artefacts of PDF/HTML text extraction before any field is read.

Every extractor gives slightly different text for the same letter (FORMATS.md, "Text
extraction artefacts"); the stages here make them agree, so no extractor-specific logic is
needed later.
"""

from __future__ import annotations

import functools
import itertools
import re

_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\u00a0": " ",  # no-break space
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\ufeff": None,  # byte-order mark
        "\u2010": "-",
        "\u2011": "-",
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\f": "\n",
        "\t": " ",
        "\v": "\n",
    }
)

# Every other character that ``\s`` matches inside a line (U+3000 ideographic space, the
# U+2000 family, ...) becomes a plain space, so that after clean-up no line holds a run of
# whitespace: the extractors' patterns can then treat ``\s*`` as "at most one space" and
# cannot backtrack over a long run (docs/benchmarks.md, "Hostile input").
_OTHER_SPACES = re.compile(r"[^\S\n]")
_LINE_BREAKS = re.compile(r"[\x85\u2028\u2029]")
# More than one empty line in a row says nothing more than one does.
_BLANK_RUN = re.compile(r"\n{3,}")
# Two spaces or more, written to start with a literal: the regex engine scans for that, where
# it tries ``[ ]{2,}`` at every position (docs/benchmarks.md, "Pattern rewrites").
_SPACES = re.compile(r"  +")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_WS = re.compile(r"\s+")
# Each step above maps one character at a time, so together they are one map of characters:
# ``_fixed`` composes them for one character, and only the characters it changes are visited
# (str.translate with a dict looks up every character). One class, not ``...|[^\S\n ]``: an
# alternation costs twice as much on text with nothing to fix. Its whitespace is every
# character str.isspace() accepts but space and newline (a test checks it).
_TO_FIX = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in _LIGATURES)
    + r"\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029"
    + r"\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]"
)


@functools.cache
def _fixed(ch: str) -> str:
    kept = _CONTROL.sub("", ch.translate(_LIGATURES))
    return _OTHER_SPACES.sub(" ", _LINE_BREAKS.sub("\n", kept))


def _fix(m: re.Match[str]) -> str:
    return _fixed(m.group())


def clean_text(raw: str) -> str:
    """Normalise line ends and characters, strip each line, collapse column padding, and undo
    double spacing (the seeds put a blank line after every line)."""
    text = _TO_FIX.sub(_fix, raw.replace("\r\n", "\n").replace("\r", "\n"))
    # Only spaces and newlines are whitespace now: collapsing the runs of spaces, then
    # dropping the one left at each line's ends, strips and collapses every line.
    text = _SPACES.sub(" ", text).replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    lines = text.split("\n")
    if _is_double_spaced(lines):
        lines = _undouble(lines)
    text = "\n".join(lines).strip("\n")
    return _BLANK_RUN.sub("\n\n", text) if "\n\n\n" in text else text


def _is_double_spaced(lines: list[str]) -> bool:
    # Double-spaced text: nearly every non-empty line is followed by an empty one, so empty
    # lines say nothing about paragraphs. Single-spaced letters have long runs of adjacent
    # non-empty lines.
    nonempty = [i for i, line in enumerate(lines) if line]
    if len(nonempty) < 6:
        return False
    adjacent = sum(1 for a, b in itertools.pairwise(nonempty) if b == a + 1)
    return adjacent <= len(nonempty) * 0.1


def _undouble(lines: list[str]) -> list[str]:
    # One empty line was the doubling; two or more were a real paragraph break.
    out: list[str] = []
    blanks = 0
    for line in lines:
        if line:
            if blanks >= 2 and out:
                out.append("")
            out.append(line)
            blanks = 0
        else:
            blanks += 1
    return out


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into one paragraph of single-spaced text. A line ending in a hyphen
    is joined without a space ("10-" + "2016", "post-" + "traumatic")."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and not out.endswith(" -"):
            out += line
        else:
            out += " " + line
    return out


def squash(text: str) -> str:
    """Whitespace normalised to single spaces, ends trimmed."""
    return _WS.sub(" ", text).strip()


# What ``loose`` leaves alone: an escape such as ``\b`` or ``\s`` and a group's name.
_REGEX_TOKEN = re.compile(r"(\\[A-Za-z]|\(\?P<\w+>)")
_BETWEEN_LETTERS = re.compile(r"(?<=[A-Za-z(])(?=[A-Za-z-])")


def loose(pattern: str) -> str:
    r"""The regex ``pattern`` tolerating one stray whitespace character wherever two letters
    meet, as extraction splits words ("guidel ine", "Non -MTUS", "S houlder",
    "recommendation( s)"). Spaces the words need are the pattern's own (``\s+``, ``\s*``)."""
    pieces = _REGEX_TOKEN.split(pattern)
    # split() puts the tokens at the odd positions.
    return "".join(
        piece if i % 2 else _BETWEEN_LETTERS.sub(r"\\s?", piece) for i, piece in enumerate(pieces)
    )
