"""The error hierarchy's messages for a web client (``ImrSearchError.public``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_search.errors import DamagedIndexError, IndexBusyError, IndexError_, OutdatedIndexError


@pytest.mark.parametrize("folder", ["/srv/imr/index", "/tmp/my letters/the index"])
def test_an_index_error_tells_a_web_client_why_but_not_where(folder: str) -> None:
    errors = [
        IndexError_(f"no index in {folder} (build one with `imr-search index`)"),
        IndexError_(f"cannot read {Path(folder) / 'meta.json'}: [Errno 13] Permission denied"),
        DamagedIndexError(folder, "a damaged table of contents"),
        OutdatedIndexError(folder, "format 4"),
        IndexBusyError(folder),
    ]
    for error in errors:
        assert folder in str(error)  # the operator's message names the folder
        public = error.public
        assert "/srv" not in public
        assert "/tmp" not in public
        assert "letters" not in public
        assert "[server folder]" in public
    assert errors[1].public == "cannot read [server folder]: [Errno 13] Permission denied"
    assert "damaged (a damaged table of contents)" in errors[2].public
