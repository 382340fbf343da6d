"""The fixed query mix of the benchmark, built deterministically from the generator's vocabulary.

A ``BenchQuery`` is engine-neutral: plain words (all must occur, each in any of the text fields
service, rationale, summary, guideline), at most one phrase (in one of those fields), filters
(whole lower-cased values, OR within a filter, AND between filters), and the switches for facets
and letter grouping. Each engine translates it into its own language (see ``to_whoosh``,
``benchmarks/baselines/sqlite_fts5.py`` and ``benchmarks/baselines/tantivy_engine.py``; the
table in ``docs/benchmarks.md`` shows one example of each kind).

Words and phrases avoid stop words (Whoosh's analyser drops them; FTS5's and tantivy's do not),
so that every query means the same on every engine, bar stemming differences (Whoosh's Porter
stemmer vs FTS5's Porter vs tantivy's Snowball English).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from imr_search.search.request import SearchRequest

# Vocabulary taken from the generator (imr_synth/, its data files): the most frequent values in the
# ground truth of the first 400 letters of seed 1, fixed here so the mix never drifts.
DRUGS = (
    "hydrocodone", "omeprazole", "cyclobenzaprine", "tramadol", "gabapentin", "diclofenac",
    "naproxen", "carisoprodol", "zolpidem", "methadone", "tapentadol", "oxycodone",
    "hydromorphone", "pregabalin", "tizanidine", "pantoprazole", "celecoxib", "morphine",
    "ondansetron", "lidocaine",
)  # fmt: skip
REGIONS = (
    "lumbar spine", "cervical spine", "knee", "shoulder", "upper extremity", "lower extremity",
    "ankle", "neck", "thoracic spine", "wrist",
)  # fmt: skip
MODALITIES = ("mri", "emg/ncv", "lab", "urine drug test", "x-ray", "ct", "ultrasound")
CATEGORIES = (
    "pharmaceuticals", "diagnostic testing", "rehabilitation", "injection", "dmepos", "surgery",
)  # fmt: skip
SPECIALTIES = (
    "physical medicine & rehabilitation", "occupational medicine", "orthopedic surgery",
    "pain management", "family practice", "anesthesiology",
)  # fmt: skip
STATES = ("ca", "pa", "co", "ny", "tx")
YEARS = ("2014", "2015", "2016", "2017", "2019")
PHRASES = (
    "functional improvement", "red flags", "medically necessary", "conservative care",
    "physical therapy", "urine drug", "neuropathic pain", "gastrointestinal events",
    "muscle relaxants", "radicular symptoms",
)  # fmt: skip
WORDS = (
    "radiculopathy", "tenderness", "spasm", "numbness", "injection", "surgery", "therapy",
    "opioid", "insomnia", "arthroscopy",
)  # fmt: skip
SUBCATEGORIES = ("opioids", "nsaid", "muscle relaxant", "proton pump inhibitors")


@dataclass(frozen=True, slots=True)
class BenchQuery:
    """One benchmark query. ``comparable``: Whoosh and the SQLite baseline must agree on the
    total (checked by tests/bench/test_bench_smoke.py). Queries without a text part always agree;
    word and phrase queries can differ where the tokenizers do: Whoosh keeps dotted words
    whole (``ondansetron.html``, ``extremity.The``), FTS5 and tantivy split them."""

    qid: str
    kind: str
    words: tuple[str, ...] = ()
    phrase: str | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    facets: bool = False
    letters: bool = False
    # The search box's own meaning (``box_mix``): decisions about the words, with the
    # vocabulary's abbreviations, synonyms and drug names, and a case number opening its
    # letter; imr-search's engines only (the baselines have no such search).
    box: bool = False
    typed: str | None = None  # the box's text as typed, when not words and a phrase

    @property
    def comparable(self) -> bool:
        return not self.words and not self.phrase and not self.box

    @property
    def filter_map(self) -> Mapping[str, tuple[str, ...]]:
        return dict(self.filters)

    def text(self) -> str:
        """The query words and phrase in the imr-search (Whoosh) query language."""
        if self.typed is not None:
            return self.typed
        parts = list(self.words)
        if self.phrase:
            parts.append(f'"{self.phrase}"')
        return " ".join(parts)


def to_whoosh(q: BenchQuery, size: int = 20) -> SearchRequest:
    """The imr-search request of a benchmark query: its words searched as typed (no
    abbreviations or drug names added) in every text field, as the baselines search them and
    as the recorded figures were measured (the search box's default, decisions about the
    words, is a narrower search)."""
    if q.box:  # the search box's default: decisions about the words, expanded
        return SearchRequest(
            query=q.text(), filters=q.filter_map, facets=q.facets, letters=q.letters, size=size
        )
    return SearchRequest(
        query=q.text(),
        filters=q.filter_map,
        facets=q.facets,
        letters=q.letters,
        size=size,
        scope="everywhere",
        synonyms=False,
    )


def _f(**kw: str | tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((k, (v,) if isinstance(v, str) else v) for k, v in kw.items())


def query_mix() -> list[BenchQuery]:
    """The fixed mix (120 queries): terms, phrases, fielded filters, facets, letter grouping."""
    qs: list[BenchQuery] = []

    def add(kind: str, **kw: object) -> None:
        qs.append(BenchQuery(f"{kind}-{sum(q.kind == kind for q in qs):02d}", kind, **kw))  # type: ignore[arg-type]

    for w in DRUGS:  # 20 single terms
        add("term", words=(w,))
    for i, w in enumerate(WORDS):  # 10 two-word conjunctions
        add("terms", words=(w, DRUGS[i] if i % 2 else PHRASES[i].split()[0]))
    for p in PHRASES:  # 10 phrases
        add("phrase", phrase=p)
    for r in REGIONS:  # 10 region phrases with a word
        add("phrase", phrase=r, words=("pain",))
    for i, d in enumerate(DRUGS[:10]):  # 10 filters only
        add("filter", filters=_f(drug=d, decision=("upheld", "overturned")[i % 2]))
    for i, r in enumerate(REGIONS[:8]):  # 8 words + filters
        add("fielded", words=(WORDS[i],), filters=_f(region=r, year=YEARS[i % len(YEARS)]))
    for i, m in enumerate(MODALITIES):  # 7 modality filters
        add("fielded", filters=_f(modality=m, state=STATES[i % len(STATES)]))
    for i, c in enumerate(CATEGORIES):  # 6 facets over a category
        add("facets", filters=_f(category=c), facets=True, words=(WORDS[i],))
    for i, p in enumerate(PHRASES):  # 10 phrase + facets
        add("facets", phrase=p, facets=True, filters=_f(decision="overturned") if i % 3 else ())
    for s in SPECIALTIES:  # 6 facets over a specialty
        add("facets", filters=_f(specialty=s), facets=True)
    for y in YEARS[:3]:  # 3 broad: a whole year, facets on
        add("facets-broad", filters=_f(year=y), facets=True)
    for c in ("pharmaceuticals", "rehabilitation"):  # 2 very broad: a whole category
        add("facets-broad", filters=_f(category=c), facets=True)
    add("facets-broad", facets=True)  # 1: everything (the search page's empty query)
    for i, d in enumerate(DRUGS[10:20]):  # 10 letter grouping
        add("letters", words=(d,), letters=True, facets=i % 2 == 0)
    for i, sub in enumerate(SUBCATEGORIES):  # 4 subcategory + grouping
        add("letters", filters=_f(subcategory=sub), words=(WORDS[i],), letters=True)
    for i, w in enumerate(WORDS[:3]):  # 3 mixed: words + phrase + filters + facets
        add(
            "mixed",
            words=(w,),
            phrase=PHRASES[i],
            filters=_f(category=CATEGORIES[i], year=YEARS[i]),
            facets=True,
        )
    return qs


# What users type in the search box first (issue 25): brand names, abbreviations, a service
# with its region, a class of drug; searched as the box searches them (``to_whoosh`` with
# ``box``), so the vocabulary's expansions are measured too.
BOX_QUERIES = (
    "norco", "mri lumbar", "pt", "esi", "tens unit", "soma", "ppi", "emg", "h-wave",
    "ambien", "lidoderm", "opioids", "physical therapy knee", "ultram", "ncv upper extremity",
    "chiropractic", "acupuncture", "fexmid", "prilosec", "utox",
)  # fmt: skip
REASONS = (
    "not-recommended", "no-functional-improvement", "exceeds-limits", "indications-not-met",
    "missing-information", "opioid-monitoring", "criteria-met",
)  # fmt: skip


def box_mix(case_numbers: tuple[str, ...] = ()) -> list[BenchQuery]:
    """The search box's queries, apart from the fixed mix (whose meaning and figures stay):
    20 queries as typed ("searchbox", 5 with facets as the search page asks), 14 reason
    facet filters alone and with words ("reason"), and a lookup of each of ``case_numbers``
    (taken from the index measured: "case")."""
    qs: list[BenchQuery] = []

    def add(kind: str, **kw: object) -> None:
        qs.append(BenchQuery(f"{kind}-{sum(q.kind == kind for q in qs):02d}", kind, box=True, **kw))  # type: ignore[arg-type]

    for i, typed in enumerate(BOX_QUERIES):
        add("searchbox", typed=typed, facets=i % 4 == 0)
    for i, reason in enumerate(REASONS):
        add("reason", filters=_f(reason=reason), facets=True)
        add("reason", typed=BOX_QUERIES[i], filters=_f(reason=reason))
    for number in case_numbers:
        add("case", typed=number)
    return qs


PRECEDENT_REQUESTS = (
    ("Norco 10/325mg #120", "chronic low back pain on opioids for two years"),
    ("MRI of the lumbar spine", "low back pain radiating to the left leg"),
    ("Physical therapy 12 sessions for the cervical spine", None),
    ("Gabapentin 600mg #90", None),
    ("EMG/NCV of the bilateral upper extremities", "numbness in both hands"),
    ("Lumbar epidural steroid injection L4-L5", None),
    ("Omeprazole 20mg #60", None),
    ("Right knee arthroscopy", "medial meniscus tear"),
    ("Urine drug screen", None),
    ("TENS unit purchase", None),
)
