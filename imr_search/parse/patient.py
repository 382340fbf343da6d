"""Patient facts stated in the clinical case summary: age, sex and the date of injury.

The injured worker is a 48-year-old female who reported an injury on 02/04/2010.
The patient is a 66 year old male with an injury date of 03/31/08.
... reportedly associated with an industrial injury of August 27, 2007.
This case involves a now 33-year-old male with a history of an occupational claim from
10/14/2016.
"""

from __future__ import annotations

import datetime as dt
import re

from imr_search.model import Patient, Sex
from imr_search.parse.dates import ANY_DATE, date_from_match

_AGE_SEX = re.compile(
    r"\b(\d{1,3})\s*-?\s*(?:years?|yrs?|y/o|yo)\b[-\s]*(?:old)?[-,\s]*"
    r"(?:(?:right|left)[- ]hand(?:ed)?\s+)?(?:(?:african[- ]american|caucasian|hispanic|asian)\s+)?"
    r"(male|female|man|woman|gentleman|lady)?",
    re.IGNORECASE,
)
# "The patient is a female who ...", "a right-handed male": the sex without an age.
_A_SEX = re.compile(
    r"\ban?\s+(?:[a-z]+[- ]?(?:handed|dominant|year-old|aged)?\s+){0,2}?"
    r"(male|female|man|woman|gentleman|lady)\b",
    re.IGNORECASE,
)
_SEX_WORD = re.compile(r"\b(male|female|man|woman|gentleman|lady)\b", re.IGNORECASE)
_SEX: dict[str, Sex] = {
    "male": "male",
    "man": "male",
    "gentleman": "male",
    "female": "female",
    "woman": "female",
    "lady": "female",
}
# Words that introduce the injury date; the date follows within a short window.
_INJURY_CUE = re.compile(
    r"(?:date\s+of\s+(?:industrial\s+)?injury|injury\s+date|\binjury\b|claim\s+from|\bDOI\b)",
    re.IGNORECASE,
)
_WINDOW = 80


def parse_patient(summary: str, warnings: list[str]) -> Patient:
    patient = Patient()
    m = _AGE_SEX.search(summary)
    if m and 0 < int(m.group(1)) < 120:
        patient.age = int(m.group(1))
        if m.group(2):
            patient.sex = _SEX[m.group(2).lower()]
    if patient.sex is None and patient.age is not None and m:
        # "a 66 year old who ... male": only look in the same sentence.
        sentence = summary[m.end() : m.end() + 120].split(".")[0]
        sm = _SEX_WORD.search(sentence)
        if sm:
            patient.sex = _SEX[sm.group(1).lower()]
    if patient.sex is None and (am := _A_SEX.search(summary)):
        patient.sex = _SEX[am.group(1).lower()]
    if patient.age is None:
        warnings.append("patient age not stated")
    if patient.sex is None:
        warnings.append("patient sex not stated")
    return patient


def injury_date(summary: str, *, pivot: int) -> dt.date | None:
    """The date of injury as the summary states it, or None."""
    for cue in _INJURY_CUE.finditer(summary):
        # The date must be in the same sentence ("injury. On 02/24/2014 ..." is a visit).
        window = re.split(r"\.\s", summary[cue.end() : cue.end() + _WINDOW], maxsplit=1)[0]
        dm = ANY_DATE.search(window)
        if dm:
            d = date_from_match(dm, pivot)
            if d:
                return d
    return None
