"""``imr-search appeal``: the appeal workbench of one letter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from imr_search.cli.flags import settings_from
from imr_search.cli.options import format_option, index_option, open_index, reports_errors

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("appeal")
@click.argument("letter_id")
@click.option(
    "--served",
    type=_DATE,
    default=None,
    metavar="DATE",
    help="The date the determination was mailed, from the proof of service "
    "(default: the decision date stands for it).",
)
@click.option(
    "--address",
    type=click.Choice(["ca", "us", "abroad"]),
    default="ca",
    show_default=True,
    help="Where it was mailed to: 5 days are added for a California address, 10 elsewhere in "
    "the US, 20 abroad (8 CCR 10605).",
)
@click.option(
    "--today",
    type=_DATE,
    default=None,
    metavar="DATE",
    help="Count the days left from this date (default: today's date in California).",
)
@format_option("text", "json", help="text: for reading; json: the dict the API returns.")
@index_option
@reports_errors
def appeal_command(
    letter_id: str,
    served: dt.datetime | None,
    address: str,
    today: dt.datetime | None,
    fmt: str,
    index_dir: Path | None,
) -> None:
    """What can be done about one determination, and by when (not legal advice).

    The deadline to appeal to the WCAB (30 days from mailing, plus the days for service by
    mail, moved past weekends and the days the WCAB is closed), the claims administrator's
    clock on overturned items, the five grounds of Labor Code 4610.6(h) with what the letter
    shows on each, flags to check against the records, and a caption skeleton.

    LETTER_ID is a letter id or its IMR case number.

    \b
    Examples:
      imr-search appeal CM16-0229336
      imr-search appeal CM16-0229336 --served 2017-01-03 --address us --format json
    """
    from imr_search.analysis.appeal import appeal_of
    from imr_search.analysis.timelines import california_today
    from imr_search.present.appeal_forms import appeal_dict, appeal_text
    from imr_search.present.jsonforms import to_json

    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        answer = appeal_of(
            engine,
            letter_id,
            # The clock is read here, at the edge; --today stands in for it.
            today=today.date() if today else california_today(dt.datetime.now(dt.UTC)),
            served=served.date() if served else None,
            address="us" if address == "us" else "abroad" if address == "abroad" else "ca",
        )
    if fmt == "json":
        click.echo(to_json(appeal_dict(answer), pretty=True))
    else:
        click.echo(appeal_text(answer), nl=False)
