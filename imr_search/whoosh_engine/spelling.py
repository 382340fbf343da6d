"""Spelling corrections for query words with no hits, from the index's own words."""

from __future__ import annotations

from typing import Any

from imr_search.whoosh_engine._whoosh import qparser
from imr_search.whoosh_engine._whoosh import query as wq

SPELL_FIELD = "words"


def spelling_parser(schema: Any) -> Any:
    """The parser ``suggestions_for`` needs (built once per engine: building one per query
    cost more than using it)."""
    parser = qparser.QueryParser(SPELL_FIELD, schema)
    parser.remove_plugin_class(qparser.SingleQuotePlugin)
    return parser


def suggestions_for(text: str, parser: Any, searcher: Any) -> dict[str, str]:
    """Plain query word -> best correction, for each word that occurs in no document."""
    try:
        q = parser.parse(text)
    except Exception:  # the strict parser has already accepted the query
        return {}
    reader = searcher.reader()
    corrector = reader.corrector(SPELL_FIELD)
    out: dict[str, str] = {}
    stack = [q]
    while stack:
        node = stack.pop()
        stack.extend(node.children())
        if isinstance(node, wq.Term) and node.fieldname == SPELL_FIELD:
            word = str(node.text)
            if word in out or reader.doc_frequency(SPELL_FIELD, word) > 0:
                continue
            found = [w for w in corrector.suggest(word, limit=1, maxdist=2) if w != word]
            if found:
                out[word] = found[0]
    return out
