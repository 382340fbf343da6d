"""The ``imr-search`` command line: a thin shell over the library.

Each command parses its options, builds the settings once, calls the library and formats the
output. Errors from the library (``ImrSearchError``) become one line on stderr and an exit
code: 0 ok, 1 failure, 2 bad usage or input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from imr_search import __version__
from imr_search.cli.alerts_commands import alerts_group
from imr_search.cli.analysis_commands import citator_command, precedents_command, similar_command
from imr_search.cli.appeal_command import appeal_command
from imr_search.cli.flags import default_text, setting_options, where_text
from imr_search.cli.index_commands import index, parse
from imr_search.cli.search_commands import search, show, stats
from imr_search.cli.serve_command import serve
from imr_search.config import describe

if TYPE_CHECKING:
    pass


class _MainGroup(click.Group):
    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Every setting, where its flag goes and its variable: the one list users need.
        rows = [(i.flag, f"{where_text(i)}: {i.help} ({default_text(i)})") for i in describe()]
        with formatter.section("Settings (default < environment variable < flag)"):
            formatter.write_dl(rows)


@click.group(
    cls=_MainGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="imr-search")
@setting_options("imr-search")
def main() -> None:
    """Search California workers' compensation IMR decisions.

    Parse Final Determination Letters (PDF, text, HTML), index them, and search them by
    keyword and facet from the terminal or a small web server.
    """


for command in (
    parse,
    index,
    search,
    show,
    stats,
    serve,
    precedents_command,
    similar_command,
    citator_command,
    appeal_command,
    alerts_group,
):
    main.add_command(command)
