"""The ``imr-search`` command line: a thin shell over the library.

Each command parses its options, builds the settings once, calls the library and formats the
output. Errors from the library (``ImrSearchError``) become one line on stderr and an exit
code: 0 ok, 1 failure, 2 bad usage or input.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from imr_search import __version__
from imr_search.config import Settings, load_settings
from imr_search.errors import ImrSearchError, ParseError, UsageError
from imr_search.parse import parse_many
from imr_search.present import letter_text, to_json

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int) -> None:
    click.echo(f"imr-search: {message}", err=True)
    sys.exit(code)


def reports_errors(fn: F) -> F:
    """Translate the library's errors into a message and an exit code (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UsageError as e:
            hint = getattr(e, "hint", None)
            fail(f"{e}" + (f"\n  hint: {hint}" if hint else ""), e.exit_code)
        except ImrSearchError as e:
            fail(str(e), e.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            # `imr-search search ... | head`: the reader left; that is not an error.
            sys.stderr.close()
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


def settings_from(**flags: Any) -> Settings:
    """Settings for this invocation: environment, then the flags given."""
    return load_settings(os.environ, **flags)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="imr-search")
def main() -> None:
    """Search California workers' compensation IMR decisions.

    Parse Final Determination Letters (PDF, text, HTML), index them, and search them by
    keyword and facet from the terminal or a small web server.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "text"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON record per line; json: one array; text: for reading.",
)
@reports_errors
def parse(paths: tuple[str, ...], fmt: str) -> None:
    """Parse letters and print one record per letter.

    PATHS are .pdf, .txt, .html/.htm files, folders (searched recursively) or - for standard
    input. A file that cannot be parsed is reported on stderr with its reason; the others go
    on, and the exit status is 1.
    """
    settings = settings_from()
    stdin = sys.stdin.buffer if "-" in paths else None
    failed = 0
    records: list[dict[str, Any]] = []
    for outcome in parse_many(list(paths), stdin=stdin, max_bytes=settings.max_file_bytes):
        if isinstance(outcome, ParseError):
            failed += 1
            click.echo(f"imr-search: {outcome.path}: {outcome.reason}", err=True)
            continue
        letter = outcome.letter
        if fmt == "jsonl":
            click.echo(to_json(letter.to_dict()))
        elif fmt == "text":
            click.echo(letter_text(letter))
            click.echo("")
        else:
            records.append(letter.to_dict())
    if fmt == "json":
        click.echo(to_json(records, pretty=True))
    if failed:
        sys.exit(1)
