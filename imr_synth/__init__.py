"""imr_synth: a deterministic generator of realistic IMR letters with their ground truth.

Used by the tests (the parser's accuracy, the engines' agreement) and by the benchmarks (the
1.8 million-letter corpus). Modules: :mod:`imr_synth.corpus` (letters, corpora, the command
line: ``python -m imr_synth``), :mod:`imr_synth.layouts` (the three letter layouts, built from
one :class:`imr_synth.layouts.LetterPlan`), :mod:`imr_synth.items` / :mod:`imr_synth.drugs`
(disputed services), :mod:`imr_synth.citations`, :mod:`imr_synth.prose`, :mod:`imr_synth.render`
(text and PDF, with extraction artefacts), :mod:`imr_synth.accuracy` (a parser's field-by-field
score against the truth: ``python -m imr_synth.accuracy``). Vocabularies and sentence tables
are data files in ``imr_synth/data/`` (:mod:`imr_synth.data`).

It imports :mod:`imr_search` (the record model, the parser for the accuracy score); the library
never imports it.
"""
