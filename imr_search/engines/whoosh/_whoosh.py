"""The Whoosh modules this package uses, typed ``Any``.

Whoosh ships ``py.typed`` but much of it is unannotated or does not re-export its names, which
strict mypy rejects; this module is the one place that Any comes from, so the rest of the
package is checked normally.
"""

from __future__ import annotations

from typing import Any

from whoosh import analysis as _analysis
from whoosh import collectors as _collectors
from whoosh import columns as _columns
from whoosh import fields as _fields
from whoosh import highlight as _highlight
from whoosh import index as _index
from whoosh import qparser as _qparser
from whoosh import query as _query
from whoosh import searching as _searching
from whoosh import writing as _writing

analysis: Any = _analysis
collectors: Any = _collectors
columns: Any = _columns
fields: Any = _fields
highlight: Any = _highlight
index: Any = _index
qparser: Any = _qparser
query: Any = _query
searching: Any = _searching
writing: Any = _writing
