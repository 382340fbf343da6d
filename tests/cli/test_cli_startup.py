"""A cold start of the CLI: ``imr-search --help`` and a search's startup import only what they
use. Checked by the modules a fresh interpreter holds afterwards (no timing: a loaded box
would make any threshold flaky; ``python -X importtime -m imr_search --help`` shows where the
time goes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from imr_search.cli import main
from imr_search.cli.commands import COMMANDS, load_command
from imr_search.engines.registry import open_engine

# isort: split
from factories import index_letters, make_letter

# Heavy modules --help must not load: the server, the engines, PDF and HTML extraction,
# exports and the cluster.
HEAVY = (
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "tantivy",
    "whoosh",
    "pypdfium2",
    "pypdf",
    "lxml",
    "openpyxl",
    "distributed",
    "dask",
)

# What the bare ``imr-search --help`` defers too (it lists the commands and the settings from
# plain data): pydantic and pydantic-settings (about half of the old start), the settings'
# model, and every stage of the library; a command's module loads when the command runs or
# its own help is asked for.
DEFERRED = (
    "pydantic",
    "pydantic_settings",
    "imr_search.config",
    "imr_search.model",
    "imr_search.parse",
    "imr_search.search",
    "imr_search.engines",
    "imr_search.ingest",
    "imr_search.analysis",
    "imr_search.present",
    "imr_search.fetch",
    "imr_search.cli.search_commands",
    "imr_search.cli.index_commands",
)

PROBE = """
import json, sys
from imr_search.cli import main
try:
    main(sys.argv[1:], prog_name="imr-search")
except SystemExit:
    pass
heavy = {heavy}
print(json.dumps(sorted(m for m in sys.modules
                        if any(m == h or m.startswith(h + ".") for h in heavy))))
"""


def probe(
    *args: str, cwd: Path, heavy: tuple[str, ...] = HEAVY, env: dict[str, str] | None = None
) -> tuple[str, list[str]]:
    """(the command's output, the modules of ``heavy`` it loaded) from a fresh interpreter."""
    code = PROBE.replace("{heavy}", repr(set(heavy)))
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=env,
    )
    output, _, last = done.stdout.strip().rpartition("\n")
    found: list[str] = json.loads(last)
    return output, found


def loaded(*args: str, cwd: Path, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    return probe(*args, cwd=cwd, heavy=heavy)[1]


def test_help_imports_no_heavy_module(tmp_path: Path) -> None:
    assert loaded("--help", cwd=tmp_path, heavy=HEAVY + DEFERRED) == []


def test_the_probe_sees_what_a_command_help_defers_to_it(tmp_path: Path) -> None:
    # The check can fail: the search command's own help loads its module and the settings.
    found = loaded("search", "--help", cwd=tmp_path, heavy=DEFERRED)
    assert "imr_search.cli.search_commands" in found
    assert "pydantic" in found


def test_the_help_lists_each_command_with_its_own_first_sentence(tmp_path: Path) -> None:
    # The lines are kept beside the command table (``COMMANDS``) so that --help imports no
    # command: each must be the command's own.
    for name, (_, _, line) in COMMANDS.items():
        assert line == load_command(name).get_short_help_str(10**6), name
    assert set(COMMANDS) == set(main.list_commands(click.Context(main)))
    shown = CliRunner().invoke(main, ["--help"]).output
    for name in COMMANDS:
        assert f"\n  {name} " in shown, name


def test_a_command_help_imports_no_heavy_module(tmp_path: Path) -> None:
    for command in ("search", "index", "serve", "alerts"):
        assert loaded(command, "--help", cwd=tmp_path) == [], command


def test_the_probe_sees_the_engine_a_search_uses(tmp_path: Path) -> None:
    # The check can fail: a search of a tantivy index loads tantivy (and only then).
    index = tmp_path / "ix"
    with open_engine(index, engine="tantivy", create=True) as engine:
        index_letters(engine, [make_letter("CM17-0000001")])
    found = loaded("search", "therapy", "--index", str(index), cwd=tmp_path)
    assert "tantivy" in found
    assert "whoosh" not in found
    assert "fastapi" not in found


# What a one-hit search does not need, and paid for on every cold start (docs/benchmarks.md,
# "The CLI's start"): the parser proper (its extractors and classifier, some 330 regular
# expressions), the precedents and pydantic-settings, which is imported only when an
# IMR_SEARCH_* variable is there to read.
NOT_FOR_A_SEARCH = (
    "imr_search.parse.letter",
    "imr_search.parse.classify",
    "imr_search.parse.reasons",
    "imr_search.analysis.precedents",
    "pydantic_settings",
)


def _whoosh_index(tmp_path: Path) -> Path:
    index = tmp_path / "ix"
    with open_engine(index, engine="whoosh", create=True) as engine:
        index_letters(engine, [make_letter("CM17-0000001")])
    return index


def test_a_search_loads_neither_the_parser_nor_pydantic_settings(tmp_path: Path) -> None:
    index = _whoosh_index(tmp_path)
    for form in ("text", "json"):
        args = ("search", "therapy", "--limit", "1", "--format", form, "--index", str(index))
        assert loaded(*args, cwd=tmp_path, heavy=NOT_FOR_A_SEARCH) == [], form


def test_the_probe_sees_the_settings_library_when_a_variable_is_set(tmp_path: Path) -> None:
    # The check can fail: with an IMR_SEARCH_* variable the settings library reads it.
    index = _whoosh_index(tmp_path)
    output, found = probe(
        "search",
        "therapy",
        "--limit",
        "1",
        cwd=tmp_path,
        heavy=NOT_FOR_A_SEARCH,
        env={**os.environ, "IMR_SEARCH_INDEX": str(index)},
    )
    assert "CM17-0000001" in output  # the variable's index was searched
    assert "pydantic_settings" in found
