"""Words, phrases and sentences of rationale text: tokens, stopwords, 1-3 word phrases, sentence
splitting, the key sentence of a rationale, and the phrases that set one group of rationales
apart from another. Pure functions, no I/O.

Phrase rule. A phrase is 1 to 3 consecutive tokens of one sentence with no stopword, number or
punctuation inside it, so every phrase is literal text a user can search for as
``rationale:"functional improvement"``. Negations (``no``, ``not``, ``without`` ...) are content
words here, because "no red flags" and "not documented" are the arguments, but a negation may
only begin a phrase (never stand alone or end it). Phrases containing a verdict word
("medically necessary", "certified") are dropped: they restate the decision rather than give a
reason for it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from imr_search.analysis.stats import chi2_1df_critical, chi2_1df_p, g2_2x2

# Common English function words (and a few letter-writing fillers). Negations are not here.
STOPWORDS: frozenset[str] = frozenset(
    {
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
        "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
        "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each",
        "either", "etc", "few", "for", "from", "further", "had", "has", "have", "having", "he",
        "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into",
        "is", "it", "its", "itself", "just", "may", "me", "might", "more", "most", "must", "my",
        "myself", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over",
        "own", "per", "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the",
        "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those",
        "through", "to", "too", "under", "until", "up", "upon", "very", "via", "was", "we", "were",
        "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will",
        "with", "within", "would", "you", "your", "yours", "dr", "mr", "mrs", "ms", "e", "g", "i.e",
        "e.g",
    }
)  # fmt: skip
NEGATIONS: frozenset[str] = frozenset({"no", "not", "non", "nor", "never", "without", "none"})
VERDICT_WORDS: frozenset[str] = frozenset(
    {"medically", "necessary", "necessity", "unnecessary", "certified", "certify", "upheld",
        "overturned", "overturn", "uphold"}
)  # fmt: skip

_TOKEN_RE = re.compile(r"[a-z0-9]++(?:['’.-][a-z0-9]++)*+")
# Anything that ends a run of words a phrase may span: sentence ends, clause punctuation. A run
# of punctuation is tried from its first character only (the lookbehind): tried from each of
# its characters, a run of commas not followed by a space is quadratic (docs/benchmarks.md,
# "Hostile input").
_BREAK_RE = re.compile(r"(?<![.;:!?()\[\]\"“”,])[.;:!?()\[\]\"“”,]++(?:\s|$)|[;:!?()\[\]\"“”]")


def words(text: str) -> list[str]:
    """Lower-cased word tokens ("x-ray", "didn't", "10/325" -> "10", "325")."""
    return _TOKEN_RE.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Tokens without stopwords and bare numbers, crudely singularised ("injections" ->
    "injection"), for overlap measures."""
    out: list[str] = []
    for w in words(text):
        if w in STOPWORDS or w.isdigit() or len(w) < 2:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return out


def overlap(a: Iterable[str], b: Iterable[str]) -> float:
    """Ochiai (cosine) overlap of two word sets: |A∩B| / sqrt(|A||B|), 0 when either is empty."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / math.sqrt(len(sa) * len(sb))


# Tokens hold only [a-z0-9'’.-]: one with a letter keeps something when these are removed.
_NOT_LETTERS = str.maketrans("", "", "0123456789'’.-")


def _is_word(token: str) -> bool:
    return token not in STOPWORDS and bool(token.translate(_NOT_LETTERS))


def phrases(text: str, max_n: int = 3) -> set[str]:
    """The distinct 1..max_n word phrases of ``text`` (see the module docstring for the rule)."""
    # Precedent lookup runs this over hundreds of rationales per request: it is the hot loop.
    found: set[str] = set()
    for chunk in _BREAK_RE.split(text.lower()):
        run: list[str] = []
        for token in _TOKEN_RE.findall(chunk):
            if _is_word(token):
                run.append(token)
            elif run:
                _run_phrases(run, max_n, found)
                run = []
        if run:
            _run_phrases(run, max_n, found)
    return found


def _run_phrases(run: list[str], max_n: int, found: set[str]) -> None:
    # A phrase may not end in a negation nor hold a verdict word; a longer phrase from the
    # same start holds the shorter one's words, so a verdict word ends that start's phrases.
    add = found.add
    size = len(run)
    for i in range(size):
        gram = ""
        for word in run[i : i + max_n]:
            if word in VERDICT_WORDS:
                break
            gram = f"{gram} {word}" if gram else word
            if word not in NEGATIONS:
                add(gram)


# -- sentences ---------------------------------------------------------------------------------

# Words whose trailing period does not end a sentence.
_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "e.g", "i.e", "dr", "mr", "mrs", "ms", "vs", "no", "nos", "fig", "pg", "pp", "p", "approx",
        "et", "al", "etc", "st", "jr", "sr", "u.s", "ph.d", "inc", "ca",
    }
)  # fmt: skip
_BOUNDARY_RE = re.compile(r"[.!?][\"'”’)]*+(?:\s++|(?=[A-Z][a-z]))")


def sentences(text: str) -> list[str]:
    """Sentences of ``text``, whitespace normalised. A period after a known abbreviation, an
    initial or inside a number does not end a sentence; "deficit.In this case" (a missing
    space, common in extracted PDFs) does."""
    flat = re.sub(r"\s+", " ", text).strip()
    out: list[str] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(flat):
        # The word before the mark, found from the mark back (not by splitting everything
        # since ``start``: a run of skipped marks made that quadratic).
        word_start = flat.rfind(" ", start, m.start()) + 1 or start
        before = flat[word_start : m.start()].lower().lstrip("(\"'")
        nxt = flat[m.end() : m.end() + 1]
        if flat[m.start()] == "." and (before in _ABBREVIATIONS or len(before) == 1):
            continue
        if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“("):
            continue  # "... 2 mg. daily" : the next word is lower case
        piece = flat[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = flat[start:].strip()
    if tail:
        out.append(tail)
    return out


# -- the key sentence --------------------------------------------------------------------------

# The verdict: "... is (not) medically necessary", "medical necessity has not been
# established", "the request is not recommended". Guideline quotes ("X is recommended for ...")
# are not verdicts, so "recommended" counts only with the request as its subject.
_VERDICT_RE = re.compile(
    r"\bmedically (?:necessary|indicated|appropriate|reasonable|warranted)\b"
    r"|\bnot (?:medically )?necessary\b|\bmedical necessity\b[^.]{0,40}\bestablished\b"
    r"|\b(?:request|this|it) (?:is|was) (?:not )?(?:recommended|supported|warranted|certified)\b",
    re.IGNORECASE,
)
# A stated reason: a causal link, a missing finding, or the facts of the case.
_REASON_RE = re.compile(
    r"\b(?:because|since|due to|given that|in the absence|absence of|lack of|lacks?|without"
    r"|no (?:evidence|documentation|indication|documented|objective|clear|red)|not (?:been )?"
    r"(?:documented|demonstrated|provided|indicated|met)|there (?:is|are|was|were)"
    r" no|does not|did not|do not|has not|have not|failed|exceeds?|in this case|this patient"
    r"|the patient|injured worker|the worker|the claimant|records?|documentation|documented"
    r"|treating (?:physician|provider)|treater|progress (?:note|report))\b",
    re.IGNORECASE,
)
# A sentence about the guidelines rather than the case ("MTUS and ACOEM do not address ...").
_GUIDELINE_RE = re.compile(r"\b(?:guidelines?|mtus|odg|acoem)\b", re.IGNORECASE)
# How many sentences before the verdict the reason is looked for (verdicts not counted).
_REASON_REACH = 3


def key_sentence(rationale: str, request: str = "") -> str:
    """The sentence of ``rationale`` that states why, by this rule:

    1. The verdict is the last sentence saying "(not) medically necessary/indicated/appropriate",
       "medical necessity ... established" or "the request is (not) recommended/supported".
    2. If the verdict gives its own reason (a causal word, a missing finding or the facts of
       the case: "because", "no documentation of", "there are no", "in this case", "the
       patient" ...), it is the key sentence.
    3. Otherwise ("Therefore, the request is not medically necessary.") it is the nearest of
       the three sentences before the verdict (other verdicts skipped) that gives a reason and
       does not name a guideline (the facts of the case, not the guideline quote), else the
       sentence just before the verdict.
    4. With no verdict: the sentence sharing most words with ``request`` and the words
       "guideline", "recommended", "MTUS", "ODG", "ACOEM"; the first sentence on a tie.

    The request text is blanked out of the verdict first, so "MRI without contrast" is not
    read as a reason.
    """
    parts = sentences(rationale)
    if not parts:
        return ""
    verdicts = [i for i, s in enumerate(parts) if _VERDICT_RE.search(s)]
    if verdicts:
        v = verdicts[-1]
        if _REASON_RE.search(_without(parts[v], request)):
            return parts[v]
        before = [i for i in range(v - 1, -1, -1) if not _VERDICT_RE.search(parts[i])]
        for i in before[:_REASON_REACH]:
            if _REASON_RE.search(parts[i]) and not _GUIDELINE_RE.search(parts[i]):
                return parts[i]
        return parts[before[0]] if before else parts[v]
    wanted = set(content_words(request)) | {"guideline", "recommended", "mtu", "odg", "acoem"}
    best = max(range(len(parts)), key=lambda i: (len(wanted & set(content_words(parts[i]))), -i))
    return parts[best]


def _without(sentence: str, request: str) -> str:
    if request.strip():
        sentence = re.sub(re.escape(request.strip()), " ", sentence, flags=re.IGNORECASE)
    return sentence


# -- distinctive phrases -----------------------------------------------------------------------

MIN_GROUP = 10  # rationales needed in each group before any phrase is tested
MIN_SUPPORT = 5  # rationales (both groups together) a phrase needs to be tested
FAMILY_ALPHA = 0.05  # Bonferroni: family-wise error rate over all phrases tested
MAX_TERMS = 12  # per group


@dataclass(frozen=True, slots=True)
class TermStat:
    """A phrase over-represented in one group: in ``count`` of that group's rationales and in
    ``other_count`` of the other group's; ``g2`` its log-likelihood ratio, ``p`` its p-value."""

    term: str
    count: int
    other_count: int
    g2: float
    p: float


@dataclass(slots=True)
class TermContrast:
    """What sets group ``a`` apart from group ``b``. ``tested`` is False (and ``note`` says why)
    when a group is too small to test anything."""

    a_size: int
    b_size: int
    tested: bool
    critical: float | None
    phrases_tested: int
    a_terms: list[TermStat]
    b_terms: list[TermStat]
    note: str | None = None


def distinctive_terms(
    a: Sequence[str],
    b: Sequence[str],
    *,
    min_group: int = MIN_GROUP,
    min_support: int = MIN_SUPPORT,
    alpha: float = FAMILY_ALPHA,
    max_terms: int = MAX_TERMS,
    names: tuple[str, str] = ("a", "b"),
) -> TermContrast:
    """Phrases significantly more frequent in the rationales ``a`` than in ``b``, and vice versa.

    Each rationale counts a phrase once (document frequency), so one long rationale cannot
    dominate, and exact repeats (after normalising case and spacing) count once. Each phrase
    in at least ``min_support`` rationales gets a 2x2 table (group x has/lacks the phrase) and
    Dunning's log-likelihood ratio G²; it is significant when G² exceeds the 1-df chi-squared
    critical value at ``alpha / phrases tested`` (Bonferroni), i.e. family-wise p < ``alpha``.
    """
    docs_a = _distinct(a)
    docs_b = _distinct(b)
    na, nb = len(docs_a), len(docs_b)
    if na < min_group or nb < min_group:
        small = (
            f"too few rationales to compare ({na} {names[0]}, {nb} {names[1]}; at least "
            f"{min_group} of each are needed): no phrases are reported"
        )
        return TermContrast(na, nb, False, None, 0, [], [], small)
    df_a: Counter[str] = Counter()
    df_b: Counter[str] = Counter()
    for doc in docs_a:
        df_a.update(phrases(doc))
    for doc in docs_b:
        df_b.update(phrases(doc))
    candidates = [t for t in df_a.keys() | df_b.keys() if df_a[t] + df_b[t] >= min_support]
    if not candidates:
        return TermContrast(na, nb, True, None, 0, [], [], "no phrase is frequent enough")
    critical = chi2_1df_critical(alpha / len(candidates))
    a_terms: list[TermStat] = []
    b_terms: list[TermStat] = []
    for term in candidates:
        ca, cb = df_a[term], df_b[term]
        g2 = g2_2x2(ca, na - ca, cb, nb - cb)
        if g2 <= critical:
            continue
        if ca * nb > cb * na:
            a_terms.append(TermStat(term, ca, cb, g2, chi2_1df_p(g2)))
        else:
            b_terms.append(TermStat(term, cb, ca, g2, chi2_1df_p(g2)))
    note = None if a_terms or b_terms else "no phrase differs significantly between the groups"
    return TermContrast(
        na,
        nb,
        True,
        critical,
        len(candidates),
        _top(a_terms, max_terms),
        _top(b_terms, max_terms),
        note,
    )


def _distinct(texts: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for text in texts:
        key = " ".join(words(text))
        if key and key not in seen:
            seen[key] = text
    return list(seen.values())


def _top(stats: list[TermStat], limit: int) -> list[TermStat]:
    """Strongest first (the longer phrase on a tie); a phrase inside a kept phrase that
    covers most of its rationales ("functional" under "functional improvement") is left out
    as redundant."""
    kept: list[TermStat] = []
    for st in sorted(stats, key=lambda s: (-s.g2, -s.term.count(" "), s.term)):
        if any(_inside(st.term, k.term) and k.count >= 0.8 * st.count for k in kept):
            continue
        kept.append(st)
        if len(kept) == limit:
            break
    return kept


def _inside(short: str, long: str) -> bool:
    return short != long and f" {short} " in f" {long} "
