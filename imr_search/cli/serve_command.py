"""``imr-search serve``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from imr_search.cli.flags import setting_options, settings_from
from imr_search.cli.options import index_option, reports_errors
from imr_search.errors import UsageError

if TYPE_CHECKING:
    pass


@click.command()
@index_option
@setting_options("serve")
@setting_options("serve, search")
@reports_errors
def serve(index_dir: Path | None) -> None:
    """Serve the search page and the JSON API (read-only)."""
    from imr_search.server.app import serve as run_server

    settings = settings_from(index_dir=index_dir)
    try:
        run_server(settings)
    except OSError as e:
        raise UsageError(
            f"cannot listen on {settings.host}:{settings.port}: {e.strerror or e}"
        ) from None
