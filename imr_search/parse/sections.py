"""Splitting a cleaned letter into its sections by their headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(slots=True)
class Sections:
    """``preamble``: the lines before the first heading found; ``parts``: heading name -> the
    lines under it (a heading's own line, after its colon, counts as the first line)."""

    preamble: list[str] = field(default_factory=list)
    parts: dict[str, list[str]] = field(default_factory=dict)

    def text(self, name: str) -> str:
        return "\n".join(self.parts.get(name, []))


def split_sections(lines: list[str], headings: dict[str, re.Pattern[str]]) -> Sections:
    """The first line matching each heading pattern (matched against the start of the line)
    opens that section; a section runs to the next opened one."""
    found: list[tuple[int, str, str]] = []  # (line index, name, rest of the heading line)
    pending = dict(headings)
    for i, line in enumerate(lines):
        if not pending:
            break
        for name, pattern in pending.items():
            m = pattern.match(line)
            if m:
                found.append((i, name, line[m.end() :].strip()))
                del pending[name]
                break
    found.sort()
    out = Sections(preamble=lines[: found[0][0]] if found else list(lines))
    for n, (i, name, rest) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(lines)
        body = ([rest] if rest else []) + lines[i + 1 : end]
        out.parts[name] = body
    return out
