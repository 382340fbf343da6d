"""The query's vocabulary: abbreviations, synonyms and drug names, expanded at query time.

A plain word (or run of plain words) that the vocabulary knows also searches what it stands
for: ``PT`` also searches "physical therapy", "physical therapy" also searches ``PT``,
``Norco`` and ``hydrocodone/apap`` also search hydrocodone/acetaminophen, ``Flexeril``
cyclobenzaprine (the generic, as the parser names an item's drug). Quoted phrases and fielded
values are never expanded, and every expansion is reported ("also searched: physical therapy")
so the answer says what it searched.

Three sources, all data files the parser reads too:

- ``data/abbreviations.json`` through ``imr_search.glossary``: short form -> long forms of
  this field (PT, ESI, TFESI, MBB, RFA, UDS, TENS, FCE, EMG/NCV, H-wave, FRP, DME, HEP, CBT,
  PRP, SCS ...), the file the parser and the filters read too;
- ``data/drugs.json`` through ``imr_search.parse.drugs``: brand, alias and combination ->
  generic, the same lexicon that fills an item's ``drug`` field;
- the pairs the letters define themselves ("transcutaneous electrical nerve stimulation
  (TENS)"), mined at commit into the index folder (``imr_search.ingest.abbreviations``) and
  passed in as ``extra``.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from imr_search.glossary import glossary
from imr_search.parse.drugs import generic_name, lexicon_words
from imr_search.search.tree import And, AndMaybe, Node, Not, Or, Phrase, Term, walk

# Words the analyser splits ("w/o", "h-wave") are matched as typed, lower-cased.
MIN_SHORT = 3  # the shortest short form a long form typed also searches
MAX_RUN = 6  # the longest long form, in words, looked for among a query's plain words


@dataclass(frozen=True, slots=True, eq=False)
class Vocabulary:
    """Short form -> long forms, and back (each lower case, words single-spaced)."""

    long_forms: Mapping[str, tuple[str, ...]]
    short_forms: Mapping[str, tuple[str, ...]]
    # short form -> words beside which it has another sense ("pt": "ptt", "inr")
    senses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def alternatives(self, text: str) -> list[str]:
        """What ``text`` (a word or words, as typed) also stands for, in a stable order."""
        key = " ".join(text.lower().split())
        # Two-letter short forms are ambiguous (OT, ER): a long form searches them only when
        # their other sense is known (``senses``: PT beside PTT is prothrombin time).
        shorts = tuple(
            s for s in self.short_forms.get(key, ()) if len(s) >= MIN_SHORT or s in self.senses
        )
        # A long form also searches the other long forms of its short form ("cervical esi":
        # CESI and "cervical epidural steroid injection").
        out = [*self.long_forms.get(key, ()), *shorts]
        out += [lf for s in shorts for lf in self.long_forms.get(s, ())]
        return [a for a in dict.fromkeys(out) if a != key]


def make_vocabulary(
    pairs: Iterable[tuple[str, str]],
    narrower: Iterable[tuple[str, str]] = (),
    senses: Mapping[str, tuple[str, ...]] | None = None,
) -> Vocabulary:
    """The vocabulary of ``(short form, long form)`` pairs, each searching the other, and of
    ``(term, narrower term)`` pairs, the first searching the second only."""
    longs: dict[str, list[str]] = {}
    shorts: dict[str, list[str]] = {}
    for broad, narrow in narrower:
        b, n = " ".join(broad.lower().split()), " ".join(narrow.lower().split())
        if n not in longs.setdefault(b, []):
            longs[b].append(n)
    for short, long in pairs:
        s, lf = " ".join(short.lower().split()), " ".join(long.lower().split())
        if not s or not lf or s == lf:
            continue
        longs.setdefault(s, [])
        if lf not in longs[s]:
            longs[s].append(lf)
        shorts.setdefault(lf, [])
        if s not in shorts[lf]:
            shorts[lf].append(s)
    return Vocabulary(
        MappingProxyType({k: tuple(v) for k, v in longs.items()}),
        MappingProxyType({k: tuple(v) for k, v in shorts.items()}),
        MappingProxyType(dict(senses or {})),
    )


Pairs = tuple[tuple[str, str], ...]
# Pairs the letters define must be seen in this many letters to be searched (one letter's
# idiosyncrasy is not the field's vocabulary).
MIN_LETTERS = 3
MINED_SUFFIX = ".abbreviations.json"


def mined_path(index_dir: Path) -> Path:
    """Where an index's mined abbreviations live: beside its folder, which a rebuild
    replaces (``imr_search.ingest.abbreviations`` writes it)."""
    return index_dir.parent / f"{index_dir.name}{MINED_SUFFIX}"


def mined_pairs(path: Path, *, min_letters: int = MIN_LETTERS) -> list[tuple[str, str]]:
    """The pairs at ``path`` seen in at least ``min_letters`` letters ([] when none)."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return []
    out: list[tuple[str, str]] = []
    for key, n in raw.get("counts", {}).items():
        short, _, long = key.partition("\t")
        if short and long and isinstance(n, int) and n >= min_letters:
            out.append((short, long))
    return out


def builtin_pairs() -> tuple[Pairs, Pairs]:
    """The pairs (dose forms too) and the narrower terms of ``data/abbreviations.json``."""
    return glossary().pairs, glossary().narrower


def vocabulary(extra: Iterable[tuple[str, str]] = ()) -> Vocabulary:
    """The built-in pairs and ``extra`` (those an index mined from its letters)."""
    pairs, narrower = builtin_pairs()
    return make_vocabulary([*pairs, *extra], narrower, glossary().senses)


# -- expansion ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Expansion:
    """A tree with its plain words expanded, and what it also searched (in order)."""

    tree: Node
    also: list[str] = field(default_factory=list)


def _alternative(text: str, boost: float) -> Node:
    return Phrase(None, text, boost=boost) if " " in text else Term(None, text, boost)


class _Expander:
    def __init__(self, vocab: Vocabulary, asked: frozenset[str] = frozenset()) -> None:
        self.vocab = vocab
        # The query's own plain words: a query that names the other sense ("chiropractic
        # physiotherapy", "PT PTT") asks for it, so it is not left out.
        self.asked = asked
        self.also: list[str] = []

    def _note(self, label: str) -> None:
        if label not in self.also:
            self.also.append(label)

    def _alternatives(self, text: str, boost: float) -> list[Node]:
        """The nodes ``text`` (plain words) also searches: its vocabulary alternatives, and the
        drug it names when that is not the text itself."""
        nodes: list[Node] = []
        for alt in self.vocab.alternatives(text):
            self._note(alt)
            nodes.append(self._sense(alt, _alternative(alt, boost)))
        generic = generic_name(text)
        if generic and generic != " ".join(text.lower().split()):
            # Plain words, so that a wider scope finds the generic's mentions too; ``about``
            # holds every item's generic and ingredients.
            one = "/" not in generic and " " not in generic
            nodes.append(Term(None, generic, boost) if one else Phrase(None, generic, boost=boost))
            self._note(generic)
        return nodes

    def _sense(self, word: str, node: Node) -> Node:
        """``node`` without the items where ``word`` has its other sense ("PT" is not the PT
        of "PT/PTT", prothrombin time)."""
        other = self.vocab.senses.get(word.lower(), ())
        if not other or self.asked.intersection(other):
            return node
        # Said once, with the word it qualifies ("physiotherapy (not beside chiropractic)"),
        # in place of the word's plain mention when it has one.
        label = f"{word} (not beside {', '.join(other)})"
        if word in self.also:
            self.also[self.also.index(word)] = label
        else:
            self._note(label)
        return And((node, Not(Or(tuple(Term(None, w) for w in other)))))

    def node(self, node: Node) -> Node:
        if isinstance(node, Term):
            if node.field is not None:
                return node
            alts = self._alternatives(node.text, node.boost)
            return self._sense(node.text, Or((node, *alts)) if alts else node)
        if isinstance(node, And):
            return And(self._run(node.children), node.boost)
        if isinstance(node, Or):
            return Or(tuple(self.node(c) for c in node.children), node.boost)
        if isinstance(node, Not):
            return Not(self.node(node.child))
        if isinstance(node, AndMaybe):
            return AndMaybe(self.node(node.required), self.node(node.optional))
        return node  # phrases (quoted: never expanded), patterns, ranges, Every

    def _run(self, children: tuple[Node, ...]) -> tuple[Node, ...]:
        """The children of an AND, a run of plain words that the vocabulary knows as one
        ("physical therapy", "lidocaine patch") expanded as one, longest run first."""
        out: list[Node] = []
        i = 0
        while i < len(children):
            for j in range(min(len(children), i + MAX_RUN), i + 1, -1):
                run = children[i:j]
                if not all(isinstance(c, Term) and c.field is None for c in run):
                    continue
                text = " ".join(c.text for c in run if isinstance(c, Term))
                alts = self._alternatives(text, 1.0)
                if alts:
                    # Each word keeps its own vocabulary too ("lumbar ESI": a TFESI at L5-S1).
                    words = And(tuple(self.node(c) for c in run))
                    out.append(Or((words, *alts)))
                    i = j
                    break
            else:
                out.append(self.node(children[i]))
                i += 1
        return tuple(out)


def expand(tree: Node, vocab: Vocabulary) -> Expansion:
    """``tree`` with every plain word or run of words the vocabulary knows also searching what
    it stands for (see the module docstring)."""
    asked = frozenset(
        w
        for n in walk(tree)
        if isinstance(n, Term) and n.field is None
        for w in n.text.lower().split()
    )
    expander = _Expander(vocab, asked)
    return Expansion(expander.node(tree), expander.also)


def respelled(node: Node, spellings: Mapping[str, str]) -> Node:
    """``node`` with its plain words respelled (``spellings``: lower-case word -> spelling)."""
    if isinstance(node, Term):
        if node.field is None and node.text.lower() in spellings:
            return Term(None, spellings[node.text.lower()], node.boost)
        return node
    if isinstance(node, And | Or):
        return type(node)(tuple(respelled(c, spellings) for c in node.children), node.boost)
    if isinstance(node, Not):
        return Not(respelled(node.child, spellings))
    if isinstance(node, AndMaybe):
        return AndMaybe(respelled(node.required, spellings), respelled(node.optional, spellings))
    return node


@functools.cache
def _known_names(vocab: Vocabulary) -> tuple[str, ...]:
    words = {*lexicon_words(), *vocab.long_forms, *vocab.short_forms}
    return tuple(sorted(w for w in words if " " not in w and "/" not in w and len(w) >= 5))


def lexicon_spelling(word: str, vocab: Vocabulary) -> str | None:
    """The drug or term of the vocabulary ``word`` is a misspelling of ("flexiril":
    flexeril), or None."""
    if len(word) < 5 or not word.isalpha():
        return None
    close = difflib.get_close_matches(word.lower(), _known_names(vocab), n=1, cutoff=0.8)
    return close[0] if close else None
