"""The ``imr-search`` command line: a thin shell over the library.

Each command parses its options, builds the settings once, calls the library and formats the
output. Errors from the library (``ImrSearchError``) become one line on stderr and an exit
code: 0 ok, 1 failure, 2 bad usage or input.
"""

from __future__ import annotations

import importlib

import click

from imr_search import __version__
from imr_search.cli.flags import default_text, setting_options, where_text
from imr_search.setting_list import SETTINGS

# Each command: the module that defines it (imported when the command runs, or its help is
# asked for, so `imr-search --help` loads none of them), its name there, and the line
# `imr-search --help` gives it (its help's first sentence; tests/cli/test_cli_startup.py
# checks each against the command's own).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "parse": ("index_commands", "parse", "Parse letters and print one record per letter."),
    "index": ("index_commands", "index", "Parse letters and add them to the index."),
    "search": ("search_commands", "search", "Search items by keyword, field, filter and facet."),
    "show": (
        "search_commands",
        "show",
        "Show letters with every item, its citations and rationale.",
    ),
    "stats": (
        "search_commands",
        "stats",
        "Letters, items, overturn rate, date span, letters per outcome, top categories; with --by, "
        "a cross-tab.",
    ),
    "serve": ("serve_command", "serve", "Serve the search page and the JSON API (read-only)."),
    "precedents": (
        "analysis_commands",
        "precedents_command",
        "How IMR decided requests of the same kind, and why.",
    ),
    "similar": (
        "analysis_commands",
        "similar_command",
        "Rationales that argue the same way, near duplicates folded.",
    ),
    "citator": (
        "analysis_commands",
        "citator_command",
        (
            "For each guideline section the IMR cited: items, overturned, the overturn rate "
            "with its 95% Wilson interval, and the claims administrator's citations it answered."
        ),
    ),
    "appeal": (
        "appeal_command",
        "appeal_command",
        "What can be done about one determination, and by when (not legal advice).",
    ),
    "alerts": (
        "alerts_commands",
        "alerts_group",
        "Saved searches: the items each index run adds to them, and their Atom feeds.",
    ),
    "fetch": (
        "fetch_commands",
        "fetch",
        "Download letters and DWC's own rows from DWC's IMR decision search.",
    ),
    "agreement": (
        "fetch_commands",
        "agreement_command",
        (
            "How often the parser agrees with DWC's own rows, per field, over an index of "
            "fetched letters: category, subcategory, decision, treatment count, specialty, "
            "case outcome and dates, with the disagreeing items."
        ),
    ),
    "publish": (
        "publish_command",
        "publish",
        "Copy the index's current commit to REPLICA, a folder servers read (tantivy only).",
    ),
}


def load_command(name: str) -> click.Command:
    module, attribute, _ = COMMANDS[name]
    command: click.Command = getattr(importlib.import_module(f"imr_search.cli.{module}"), attribute)
    return command


class _MainGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click asks every command for its line, which would import every command's module.
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        # Shortened as click shortens a command's own help.
        rows = [(n, click.Command(n, help=COMMANDS[n][2]).get_short_help_str(limit)) for n in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Every setting, where its flag goes and its variable: the one list users need.
        rows = [(i.flag, f"{where_text(i)}: {i.help} ({default_text(i)})") for i in SETTINGS]
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
