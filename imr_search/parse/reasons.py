"""Reason codes: what an item's decision rests on, read from its rationale's sentences.

    rationale -> sentences -> which sentences apply the guideline to this patient ->
    the codes those sentences state (REASON_CODES) -> [(code, its sentences)]

IMR reviewers quote the guideline at length ("ACOEM states that imaging is warranted when
there are red flags ...") and then apply it ("In this case, there are no red flags"). A
code is read from the sentences that apply it: those that speak of this patient, this
request or the records submitted. A guideline sentence counts only when it says outright
that the treatment is not recommended (no "unless", "as a primary treatment", "for longer
than ..."). An overturned item rests on the criteria being met; an upheld item on one to
three of the denial codes, in the order of REASON_CODES. docs/reasons.md describes the
codes, and the labelled rationales in tests/data/reasons/ measure these rules.

``read_reasons(rationale, decision)`` is the one entry point; the parser stores its answer on
each item (``Item.reasons``, ``Item.reason_sentences``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from imr_search.model import REASON_CODES, Decision, ReasonCode
from imr_search.parse.regex import quick

__all__ = ["REASON_CODES", "Reason", "read_reasons", "sentences"]


def _c(pattern: str) -> re.Pattern[str]:
    """A reading pattern, matched against lower-cased text: written in lower case here and led
    by a lookahead for its first characters (``regex.quick``), which IGNORECASE would defeat,
    so that a few dozen patterns over every sentence stay fast."""
    return quick(pattern.lower())


@dataclass(frozen=True, slots=True)
class Reason:
    """One code an item's decision rests on and the rationale's sentences it was read from."""

    code: ReasonCode
    sentences: tuple[str, ...]


# -- sentences --------------------------------------------------------------------------------

# A sentence ends at . ! or ? (and a closing quote or bracket) before a space and a capital,
# a digit or an opening quote; abbreviations such as "e.g." and "Dr." do not end one.
_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|vs|Dr|Mr|Mrs|Ms|No|etc|approx|al|Fig|p|pp|St|Jr|U\.S|mg|ca)\.|"
    r"\b[A-Z]\.)[\"')\]]?$"
)
# Sentences glued at a line end by extraction ("neurological deficit.In this case", "per the
# ACOEM.There was"): a word of two letters or more, its mark, then a capitalised word. Whether
# the text has the space depends on the extractor, and the sentences (and so the reasons) must
# not; an abbreviation so glued ("Dr.Smith") is kept whole by the check in ``sentences``.
_GLUED = re.compile(r"(?<=[A-Za-z)\"][a-z)\"A-Z][.?!])(?=[A-Z][a-z])")


# A run of text with no sentence end is read in pieces of about this many characters: the rules
# look across a sentence, so a hostile "sentence" a megabyte long must not make them quadratic.
# Reviewers' sentences are far shorter (long guideline quotations are dropped anyway).
MAX_SENTENCE = 1500


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, in order, whitespace collapsed."""
    flat = _GLUED.sub(" ", " ".join(text.split()))
    out: list[str] = []
    start = 0
    for m in _END.finditer(flat):
        # Only the end of the piece can be an abbreviation: look at its last few characters.
        if _ABBREVIATION.search(flat[max(start, m.start() - 12) : m.start()]):
            continue
        out.extend(_pieces(flat[start : m.start()]))
        start = m.end()
    out.extend(_pieces(flat[start:]))
    return out


def _pieces(sentence: str) -> list[str]:
    sentence = sentence.strip()
    out = []
    while len(sentence) > MAX_SENTENCE:
        cut = sentence.rfind(" ", 0, MAX_SENTENCE)
        cut = cut if cut > 0 else MAX_SENTENCE
        out.append(sentence[:cut])
        sentence = sentence[cut:].strip()
    if sentence:
        out.append(sentence)
    return out


# -- which sentences apply the guideline to this case -----------------------------------------

# This patient, this request, the records: the words of a sentence that applies the guideline.
_CASE = _c(
    r"\b(?:the|this|our)\s+(?:patient|injured\s+worker|claimant|applicant|employee|"
    r"individual|worker|IW|member|request(?:ed)?|requesting|treating|provider|physician|"
    r"attending|treater|case|documentation|records?|notes?|progress|medical\s+records?|"
    r"clinical|submitted|provided|report|exam|examination)\b|"
    r"\bthis\s+(?:compound|medication|drug|study|procedure|surgery|service|device|unit)\b|"
    r"\b(?:the|this)\s+(?:ongoing|continued|current|further|additional|repeat)\s+"
    r"(?:use|usage|treatment|therapy|study|sessions|visits)\b|"
    r"\b(?:patient|injured\s+worker|claimant|applicant|employee|IW)'s\b|"
    r"\b(?:he|she|his|her|him)\b|\bin\s+this\s+case\b|\bhere,|\bregarding\s+this\b|"
    r"\b(?:documentation|records|notes|report)\s+(?:submitted|provided|reviewed|available)\b|"
    r"\bsubmitted\s+for\s+review\b|\bno\s+documentation\b|\black\s+of\s+(?:clinical\s+)?"
    r"documentation\b|\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\bmedical\s+necessity\b|"
    r"\bthere\s+(?:is|was|are|were)\s+(?:no|not|also|lack)\b|\bhas\s+(?:not\s+)?(?:had|been)\b|"
    r"\b(?:unclear|not\s+clear)\s+(?:as\s+to\s+)?why\b|"
    r"\b(?:is|was|were|are)\s+(?:being\s+)?(?:requested|sought|ordered|prescribed)\b"
)
# A guideline's condition on patients in general ("may be continued if the patient is ...").
_CONDITION = _c(
    r"\b(?:if|when|unless|provided\s+that|as\s+long\s+as)\s+(?:the|a)\s+(?:patient|"
    r"injured\s+worker|claimant|applicant|employee)\b"
)
_STRONG = _c(
    r"\bin\s+this\s+case\b|\bhere,|\bthis\s+(?:patient|injured\s+worker|claimant|applicant)\b|"
    r"\bdocumentation\b|\brecords\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
)
# Words that make a sentence the reviewer's own finding on this case even when it names the
# guideline ("In this case, the ODG criteria are not met").
_FINDING = _c(
    r"\bin\s+this\s+case\b|\bhere,|\bthis\s+(?:patient|injured\s+worker|claimant|applicant|"
    r"request)\b|\b(?:the\s+)?(?:patient|injured\s+worker|claimant|applicant|employee|IW)\s+"
    r"(?:has|had|was|is|did|does|underwent|reported|reports|presents?|complain\w*|exhibited|"
    r"continues|remains)\b|\bdocumentation\b|\brecords?\s+(?:submitted|provided|reviewed|do|"
    r"does|did|show|indicate)\b|\bprogress\s+(?:notes?|reports?)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
    r"\b(?:treating|attending|requesting)\b|\bprovider\b|"
    r"\b(?:the|this)\s+(?:ongoing|continued)\s+(?:use|usage)\b|"
    r"\b(?:the|this)\s+request\s+for\s+(?:an?\s+)?(?:additional|further|another|\d+)\b"
)
# A statement with a negation and no word of a guideline is the reviewer's finding too
# ("Radiculopathy is not corroborated by imaging").
_DENIAL = _c(r"\bnot\b|\bno\b|n't\b")
# Words of a guideline's statement of its criteria ("may be appropriate if the patient ...").
_GUIDE = _c(
    r"\b(?:guidelines?|MTUS|ODG|ACOEM)\b|\b(?:may|should|can|must)\s+(?:be|include|remain)\b|"
    r"\bif\s+the\s+patient\b|\bis\s+defined\b|\bare\s+defined\b|\brecommended\s+(?:for|as|in|"
    r"when|if)\b|\bpatients\b|\bwill\b|\bgenerally\b|\btypically\b|\busually\b|\bmost\b|"
    r"\bstudies\b|\bevidence\s+(?:is|that)\b"
)
# Sentences that only report the decision or tell the worker what to do next: no basis in them.
_BOILERPLATE = _c(
    r"should\s+not\s+be\s+interpreted|advised\s+to|consult\s+the|speak\s+with|"
    r"this\s+decision\s+addresses|independent\s+medical\s+review"
)
# Long quotations from a guideline are the guideline's words, not the reviewer's finding.
_QUOTED = re.compile(r"\"[^\"]{60,}\"")
# The clause that states the decision ("the request for urine drug testing is not medically
# necessary"): the service it names must not be read as a reason.
_DECIDED = _c(
    r"\b(?:the|this)\s+(?:request(?:ed)?|original\s+request)\b[^.;]{0,300}?\b(?:is|was|are|were|"
    r"be|does)\s+(?:not\s+)?(?:seen\s+as\s+|deemed\s+|determined\s+to\s+be\s+|considered\s+|"
    r"found\s+)?(?:not\s+)?(?:medically\s+necessary|appropriate|certified)|"
    r"\bmedical\s+necessity\s+(?:of\s+the\s+request\s+)?(?:has|is|was)\s+not\s+"
    r"(?:been\s+)?established\b"
)


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence as the rules read it (lower case): whether it applies the guideline to
    this case, and its words with and without the long quotations and the decision's clause."""

    text: str
    applies: bool
    whole: str  # long quotations out
    reading: str  # ... and the clause that states the decision out ("the request for urine
    # drug testing is not medically necessary" must not read as a reason)
    guideline: str  # the clause that states the decision out, quotations kept

    @classmethod
    def of(cls, sentence: str) -> _Sentence:
        low = sentence.lower()
        whole = _QUOTED.sub(" ", low)
        return cls(
            sentence, _applies(whole), whole, _DECIDED.sub(" ", whole), _DECIDED.sub(" ", low)
        )


def _applies(bare: str) -> bool:
    if _BOILERPLATE.search(bare):
        return False
    if _CONDITION.search(bare) and not _STRONG.search(bare):
        return False
    if _FINDING.search(bare):
        return True
    if _GUIDE.search(bare):
        return False
    return bool(_CASE.search(bare) or _DENIAL.search(bare))


# -- the codes ---------------------------------------------------------------------------------

_NEG = (
    r"(?:\bno\b|\bnot\b|n't\b|\black(?:s|ing)?\b|\bwithout\b|\babsen(?:ce|t)\b|\bneither\b|"
    r"\bnor\b|\bfail(?:s|ed|ure)?\b|\bnone\b|\bnever\b|\binsufficient\b|\bunclear\b|"
    r"\bnegative\b|\bnormal\b|\bunremarkable\b|\bintact\b|\bdoes\s+not\b|\bdid\s+not\b)"
)
_NEGATED = _c(_NEG)


@dataclass(frozen=True, slots=True)
class _Rule:
    """A code, the pattern that states it and whether the sentence must also deny something
    (the pattern names a finding; the code needs it to be absent)."""

    code: ReasonCode
    pattern: re.Pattern[str]
    negated: bool = False
    # Which sentences may state it: those applying the guideline to this case, the
    # guideline's own (no word of this case), or any.
    where: Literal["case", "guideline", "any"] = "case"
    unless: re.Pattern[str] | None = None
    # Read the whole sentence, the decision's clause included ("As the requested surgery is
    # not medically necessary, ...").
    whole: bool = False


def _p(*parts: str) -> re.Pattern[str]:
    return _c("|".join(parts))


_RULES: tuple[_Rule, ...] = (
    # not recommended: applied to this request ...
    _Rule(
        "not-recommended",
        _p(
            r"\bnot\s+(?:be\s+)?(?:recommended|supported)\s+(?:by|per|in)\s+(?:the\s+)?"
            r"(?:guidelines?|MTUS|ODG|ACOEM|CA\s+MTUS|California)",
            r"\b(?:is|are|was|were|remains?)\s+(?:deemed\s+|considered\s+|still\s+)?"
            r"[\"']?not\s+recommended\b",
            r"\bno\s+recommendations?\s+(?:of|for)\b",
            r"\b(?:investigational|experimental|under\s+study)\b",
            r"\b(?:no|lack\s+of|insufficient|limited|little)\s+(?:good\s+|quality\s+|high[- ]"
            r"quality\s+|scientific\s+|clear\s+|sufficient\s+|published\s+|peer[- ]reviewed\s+)?"
            r"(?:evidence|studies|literature|support)\s+(?:to\s+support|supporting|"
            r"that\s+(?:supports?|shows?))\b",
            r"\bevidence\s+is\s+lacking\b",
            r"\bfirst[- ]line\b",
            r"\boutside\s+(?:of\s+)?the\s+guidelines?\b",
            r"\bnot\s+(?:FDA[- ])?approved\b",
            r"\bits\s+(?:use|usage)\s+is\s+not\s+supported\b",
            r"\bnon[- ]recommended\b",
        ),
        unless=_p(r"\bnot\s+recommended\s+(?:for\s+)?(?:longer|more)\s+than\b|\bbeyond\b"),
    ),
    # ... or said outright by the guideline ("Thermography is not recommended").
    _Rule(
        "not-recommended",
        _p(
            r"\b(?:is|are)\s+(?:deemed\s+|considered\s+|also\s+|generally\s+)?[\"']?"
            r"not\s+recommended\b",
            r"\bdo(?:es)?\s+not\s+recommend\b",
            r"\bno\s+recommendations?\s+(?:of|for)\b",
        ),
        where="guideline",
        unless=_p(
            r"\bunless\b|\bexcept\b|\bif\b|\babsen(?:ce|t)\b|\bwithout\b|\bother\s+than\b|"
            r"\bbeyond\b|\blonger\s+than\b|\bmore\s+than\b|\bas\s+(?:a|an)\s+(?:primary|"
            r"first|isolated|stand[- ]alone|sole|initial)\b|\buntil\b|\bprior\s+to\b|"
            r"\bbefore\b|\bafter\b|\bweeks?\b|\broutine(?:ly)?\b|\bonly\b|\bwhen\b|\bbut\b"
        ),
    ),
    # ... or by the evidence the reviewer finds for it ("clear evidence is lacking to support
    # its efficacy").
    _Rule(
        "not-recommended",
        _p(
            r"\bevidence\s+is\s+lacking\b",
            r"\b(?:no|insufficient|lack\s+of|little|limited)\s+(?:good\s+|quality\s+|high[- ]"
            r"quality\s+|scientific\s+|clear\s+|sufficient\s+|published\s+|peer[- ]reviewed\s+)?"
            r"evidence\s+(?:to\s+support|supporting|of\s+(?:its\s+)?(?:efficacy|benefit))\b",
            r"\b(?:investigational|experimental)\b",
        ),
        where="guideline",
    ),
    _Rule(
        "no-functional-improvement",
        _p(
            r"\bfunctional\s+(?:improvement|benefit|gains?|restoration|response|improvements)\b",
            r"\bimprove(?:ments?|d)?\s+(?:in|of)\s+(?:function|ADLs|activities)\b",
            # The applicant-style rationale: "failed to profit from", "remained off of work",
            # "failed to curtail the applicant's dependence on opioids", "9792.20e".
            r"\b(?:profit(?:ed)?|benefit(?:ed)?)\s+from\b",
            r"\b(?:remain(?:s|ed)?|was|is)\s+off\s+(?:of\s+)?work\b",
            r"\bcurtail\w*\b",
            r"\b9792\.20\b",
            r"\b(?:meaningful|material|significant|quantifiable)\s+(?:improvements?|benefit|relief|"
            r"reductions?|decrements?)\b",
            r"\bdecrements?\s+in\s+pain\b",
            r"\b(?:increase|improvement)\s+(?:in\s+)?(?:objective\s+)?function\b",
            r"\b(?:decrease|reduction|relief)\s+(?:in|of)\s+(?:the\s+patient's\s+)?pain\b",
            r"\bpain\s+(?:relief|reduction|scores?)\b",
            r"\b(?:objective|documented|measurable)\s+(?:response|benefit|improvement|efficacy)\b",
            r"\bresponse\s+to\s+(?:the\s+)?(?:prior|previous|past)\b",
            r"\b(?:prior|previous|past)\s+(?:\w+\s+){0,3}(?:benefit|efficacy|response)\b",
            r"\breduc\w*\s+(?:in\s+)?(?:the\s+)?(?:medication|work\s+restrictions|opioid)\b",
            r"\bhow\s+much\s+the\s+medication\b",
            r"\bwithout\s+(?:any\s+)?(?:significant\s+|lasting\s+)?(?:improvement|benefit)\b",
        ),
        negated=True,
        unless=_p(r"\bnot\s+yet\b", r"\binitial\b", r"\bprior\s+to\s+(?:the\s+)?initiat"),
    ),
    _Rule(
        "exceeds-limits",
        _p(
            r"\bexceed(?:s|ed|ing)?\b",
            r"\bin\s+excess\s+of\b",
            r"\bbeyond\s+(?:the\s+)?(?:guidelines?|recommend\w*|\d|(?:the\s+)?(?:MTUS|ODG))",
            r"\b(?:more|greater|longer)\s+than\s+(?:the\s+)?(?:recommended|guidelines?|"
            r"allowed|supported)\b",
            r"\bguidelines?\s+limit\b",
            r"\blimit(?:s|ed)?\s+(?:the\s+)?(?:use|usage|duration|treatment)\s+to\b",
            r"\blong[- ]term\s+(?:use|usage)\b",
            r"\b(?:extenuating|exceptional)\s+(?:factors|circumstances)\b[^.]*\b(?:additional|"
            r"more|further|\d+)\b",
            r"\b(?:already|previously)\s+(?:had|completed|received|undergone|attended)\s+"
            r"(?:at\s+least\s+)?\d+\b",
            r"\b(?:at\s+least|total\s+of|over)\s+\d+\s+(?:prior\s+)?(?:sessions|visits|"
            r"treatments|injections)\b",
            r"\b\d{3}\s*(?:mg\s*)?(?:MED|MME|morphine\s+equivalent)",
            r"\b(?:short[- ](?:term|course))\b[^.]*\b(?:since|months|years|chronic|ongoing|"
            r"continued)\b",
            r"\b(?:since|for)\s+(?:at\s+least\s+)?(?:several|many|\d+)\s+(?:months|years)\b"
            r"[^.]*\b(?:short|limit|weeks)\b",
            r"\blarger\s+(?:supply|quantity)\b",
            r"\bnot\s+recommended\s+(?:for\s+)?(?:longer|more)\s+than\b",
        ),
        unless=_p(
            r"\bnot\s+(?:exceed|in\s+excess)\b",
            r"\bdoes\s+not\s+exceed\b",
            r"\bconservative\b|\bexhausted\b",
        ),
    ),
    # "Long-term use exceeds the guideline's recommendation", "would exceed the guideline".
    _Rule(
        "exceeds-limits",
        _p(r"\bexceeds?\b", r"\bwould\s+exceed\b", r"\bin\s+excess\s+of\b"),
        where="guideline",
        unless=_p(r"\bwhen\b|\bif\b|\bshould\b|\bunless\b|\bnot\s+(?:to\s+)?exceed\b"),
    ),
    _Rule(
        "opioid-monitoring",
        _p(
            r"\burine\s+(?:drug|toxicology|tox)\b",
            r"\b(?:UDS|UDT)\b",
            r"\bCURES\b",
            r"\b(?:pain|opioid|narcotic|medication)\s+(?:treatment\s+)?(?:agreement|contract)\b",
            r"\b(?:4|four)\s+A'?s\b",
            r"\baberrant\b",
            r"\b(?:risk\s+assessment|abuse|misuse|diversion|addiction)\b",
            r"\bmonitoring\b",
        ),
        negated=True,
    ),
    _Rule(
        "opioid-monitoring",
        _p(
            r"\b(?:taper(?:ing)?|wean(?:ing)?)\s+(?:is|are|was|should\s+be|would\s+be)?\s*"
            r"(?:is\s+)?(?:indicated|recommended|appropriate|warranted|advised|necessary)\b",
            r"\b(?:recommend|indicate)\w*\s+(?:a\s+)?(?:taper|wean)",
            r"\b(?:a|for)\s+(?:taper|weaning)\b",
        ),
    ),
    _Rule(
        "missing-information",
        _p(
            r"\b(?:failed|fails|does\s+not|did\s+not)\s+(?:to\s+)?specify\b",
            r"\bnot\s+(?:been\s+)?(?:specified|stated|clearly\s+stated|given)\b",
            r"\b(?:number|total)\s+of\s+(?:prior\s+|previous\s+)?(?:sessions|visits|treatments)"
            r"\s+(?:completed|attended|to\s+date|already|previously)\b",
            r"\b(?:rationale?|reason(?:ing)?|explanation|justification)\b[^.]*\b(?:not|unclear|"
            r"absent|lacking|missing)\b",
            r"\b(?:no|lack\s+of|without)\s+(?:a\s+|any\s+)?(?:clear\s+|stated\s+|specific\s+)?"
            r"(?:rationale|reason|explanation|justification)\b",
            r"\b(?:unclear|not\s+clear|not\s+apparent)\s+(?:as\s+to\s+)?(?:why|how|whether|"
            r"what\s+(?:the\s+)?(?:request|dose|frequency))\b",
            r"\bunclear\s+of\s+the\s+rationale\b",
            r"\b(?:did|does|do)\s+not\s+(?:furnish|provide|outline|state|give|offer|set\s+forth|"
            r"articulate|uncover|explain|clearly\s+state)\b[^.]*\b(?:rationale|reason|"
            r"explanation|justification)\b",
            r"\b(?:no|not|without)\s+(?:a\s+|any\s+)?(?:recent|current|updated|accompanying|"
            r"legible)\s+(?:progress\s+|clinical\s+|medical\s+)?(?:notes?|reports?|exam\w*|"
            r"records?|evaluation)\b",
            r"\b(?:notes?|records?|reports?|documentation)\s+(?:\w+\s+){0,3}(?:were|was|is|are|"
            r"has\s+not\s+been|have\s+not\s+been)\s+not\s+(?:provided|submitted|included|"
            r"available)\b",
            r"\bnot\s+(?:provided|submitted|included|available)\s+for\s+(?:this\s+)?review\b",
            r"\bdoes\s+not\s+address\s+(?:the\s+)?medical\s+necessity\b",
            r"\bcannot\s+be\s+(?:evaluated|determined|assessed|established|verified)\b",
            r"\bwithout\s+this\s+information\b",
            r"\b(?:no|lack\s+of)\s+(?:documentation|records?|notes?)\s+(?:of|regarding)\s+"
            r"(?:the\s+(?:patient|claimant|injured\s+worker|applicant)'s\s+)?(?:current|recent)\b",
            r"\b(?:insufficient|incomplete|limited)\s+(?:information|documentation|records)\b",
            r"\b(?:frequency|duration|quantity|dosage|dose|strength|body\s+part|number\s+of\s+"
            r"sessions)\s+(?:\w+\s+){0,3}(?:was|were|is|are)\s+not\s+(?:specified|stated|"
            r"indicated|provided|documented)\b",
            r"\bnot\s+(?:clearly\s+)?(?:stated|established|documented)\s+why\b",
        ),
    ),
    _Rule(
        "indications-not-met",
        _p(
            r"\bred[- ]flags?\b",
            r"\bneurolog\w*\s+(?:deficits?|findings|dysfunction|abnormalit\w*|signs|"
            r"compromise|exam\w*)\b",
            r"\b(?:focal\s+)?(?:neurologic\w*|motor|sensory|reflex)\s+deficits?\b",
            r"\bradicul\w*\b",
            r"\b(?:instability|unstable|myelopathy|nerve\s+(?:compromise|impairment|"
            r"dysfunction|root)|tissue\s+insult)\b",
            r"\bconservative\s+(?:care|treatments?|therapy|therapies|measures|management)\b",
            r"\btried\s+and\s+failed\b",
            r"\b(?:surgical\s+)?candidate\s+for\s+surgery\b|\bsurgical\s+(?:candidate|"
            r"lesion|indication)s?\b",
            r"\blesion\b",
            r"\bcriteria\b",
            r"\bdoes\s+not\s+(?:meet|satisfy)\b",
            r"\bno\s+(?:clear\s+)?indication\s+(?:that|of|for)\b",
            r"\bnot\s+(?:an?\s+)?indicat(?:ed|ion)\b",
            r"\b(?:objective|physical|clinical|exam\w*)\s+(?:findings|evidence|signs)\b",
            r"\b(?:signs|symptoms)\s+(?:of|suggestive|consistent)\b",
            r"\bcorroborat\w*\b",
            r"\b(?:risk\s+factors?|GI\s+risk|gastrointestinal\s+(?:risk|events?|symptoms|"
            r"complaints)|dyspepsia)\b",
            r"\bintoleran\w*\b",
            r"\bno\s+(?:diagnosis|evidence\s+of|mention\s+of|history\s+of|suspicion)\b",
            r"\b(?:diagnosis|condition)\b[^.]*\b(?:not|no)\b[^.]*\b(?:indications?|due\s+to|"
            r"support)\b",
            r"\b(?:does|did)\s+not\s+(?:reveal|show|demonstrate|establish|indicate)\s+that\b",
            r"\b(?:has|have)\s+not\s+(?:yet\s+)?(?:had|tried|undergone|attempted|completed)\b",
            r"\bis\s+improving\b|\bimproving\b",
            r"\bnormal\b|\bunremarkable\b|\bintact\b|\bwithin\s+normal\s+limits\b",
            r"\bsignificant\s+change\b",
            r"\b(?:not\s+been\s+noted|not\s+present)\s+for\s+more\s+than\b",
        ),
        negated=True,
        # Findings named in a sentence about relief, the records' currency or the reasons given
        # belong to that sentence's own code.
        unless=_p(
            r"\bfunctional\s+(?:improvement|benefit|gains?)\b",
            r"\b(?:decrease|reduction|relief)\s+(?:in|of)\s+(?:the\s+patient's\s+)?pain\b",
            r"\bcurrent\s+(?:complaints|status|exam\w*)\b",
            r"\bwhy\b",
        ),
    ),
    _Rule(
        "other",
        _p(
            r"\b(?:as|since|because|given\s+that)\s+the\s+(?:requested\s+|primary\s+|"
            r"associated\s+)?(?:surg\w*|procedure|operation|intervention|primary|request)\b"
            r"[^.]*\bnot\s+(?:medically\s+necessary|certified|authorized|supported|approved)\b",
            r"\b(?:ancillary|associated|concurrent)\s+(?:surgical\s+)?(?:services?|requests?|"
            r"items?)\b[^.]*\bnot\b",
            r"\bnone\s+of\s+the\s+associated\b",
            r"\bduplicate\b",
            r"\balready\s+(?:been\s+)?(?:authorized|certified|approved)\b",
            r"\brisks?\b[^.]*\boutweigh",
            r"\bcontraindicat\w*\b",
        ),
        unless=_p(r"\bno\s+contraindicat"),
        where="any",
        whole=True,
    ),
)

# Overturned: the sentences where the reviewer finds the request supported.
_MET = _p(
    r"\bmeets?\b",
    r"\bcriteria\b",
    r"\b(?:has|have)\s+been\s+met\b",
    r"\b(?:is|are|would\s+be)\s+(?:medically\s+)?(?:necessary|appropriate|reasonable|indicated|"
    r"supported|warranted)\b",
    r"\bsupport(?:s|ed)?\s+(?:the|this)\b",
    r"\bconsistent\s+with\b",
    r"\bdocument(?:s|ed)\b",
)
_CONCLUSION = _p(
    r"\bmedically\s+necessary\b",
    r"\bnot\s+medically\b",
    r"\bmedical\s+necessity\s+(?:has|is|was)\b",
)


def _matches(rule: _Rule, s: _Sentence) -> bool:
    if rule.where != "any" and s.applies != (rule.where == "case"):
        return False
    bare = s.whole if rule.whole else s.reading if s.applies else s.guideline
    if not rule.pattern.search(bare):
        return False
    if rule.negated and not _NEGATED.search(bare):
        return False
    return not (rule.unless and rule.unless.search(bare))


def read_reasons(rationale: str, decision: Decision) -> list[Reason]:
    """The codes ``decision`` rests on, each with the sentences of ``rationale`` it was
    read from, in the order of REASON_CODES. An upheld item with no stated basis is read as
    ``indications-not-met`` (the commonest), with the sentence that concludes it."""
    said = sentences(rationale)
    if not said:
        return []
    if decision == "overturned":
        return [Reason("criteria-met", _criteria_met(said))]
    found: dict[ReasonCode, list[str]] = {}
    for sentence in said:
        read = _Sentence.of(sentence)
        for rule in _RULES:
            if _matches(rule, read):
                hits = found.setdefault(rule.code, [])
                if sentence not in hits:
                    hits.append(sentence)
    found = _settle(found)
    if not found:
        return [Reason("indications-not-met", _last(said, _concludes))]
    return [Reason(code, tuple(found[code])) for code in REASON_CODES if code in found]


def _settle(found: dict[ReasonCode, list[str]]) -> dict[ReasonCode, list[str]]:
    """Drop what another code explains better."""
    other = found.get("other", [])
    # An item denied because its primary procedure was: that is the whole of its basis.
    if other and any(_DEPENDS.search(s.lower()) for s in other):
        return {"other": other}
    return found


_DEPENDS = _p(
    r"\b(?:as|since|because|given\s+that)\s+the\s+(?:requested\s+|primary\s+|associated\s+)?"
    r"(?:surg\w*|procedure|operation|intervention|primary)\b",
    r"\bnone\s+of\s+the\s+associated\b",
    r"\bancillary\b",
)


def _criteria_met(said: Sequence[str]) -> tuple[str, ...]:
    applying = [
        s
        for s in said
        if (read := _Sentence.of(s)).applies
        and _MET.search(read.whole)
        and not _CONCLUSION.search(read.whole)
    ]
    if applying:
        return tuple(applying[-2:])
    return _last(said, _concludes)


def _concludes(sentence: str) -> bool:
    return bool(_CONCLUSION.search(sentence.lower()))


def _last(said: Sequence[str], test: Callable[[str], object]) -> tuple[str, ...]:
    for sentence in reversed(said):
        if test(sentence):
            return (sentence,)
    return (said[-1],)
