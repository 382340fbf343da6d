"""``imr-search publish``."""

from __future__ import annotations

from pathlib import Path

import click

from imr_search.cli.flags import settings_from
from imr_search.cli.options import index_option, reports_errors
from imr_search.words import count


@click.command()
@click.argument("replica", type=click.Path(file_okay=False, path_type=Path))
@index_option
@reports_errors
def publish(replica: Path, index_dir: Path | None) -> None:
    """Copy the index's current commit to REPLICA, a folder servers read (tantivy only).

    New segment files first, then the commit switches at once: servers on REPLICA answer
    from the new commit from their next request, none fails meanwhile (docs/scaling.md).
    """
    from imr_search.engines.registry import publish_index

    settings = settings_from(index_dir=index_dir)
    done = publish_index(settings.index_dir, replica)
    click.echo(
        f"Published {settings.index_dir} to {replica}: {count(done.copied, 'file')} copied "
        f"({done.bytes / 1e6:.1f} MB), {done.kept} already there, {done.removed} removed."
    )
