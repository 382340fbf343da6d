"""Every setting has one description (``config.describe()``): an environment variable and a
flag that both reach the code, listed by ``imr-search --help``; the flag wins over the
environment."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from server_fixtures import server_process

from imr_search.cli import main
from imr_search.config import Settings, describe

pytest_plugins = ["server_fixtures"]

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def test_each_setting_has_its_own_variable_and_flag() -> None:
    infos = describe()
    assert [i.name for i in infos] == list(Settings.__dataclass_fields__)
    assert len({i.env for i in infos}) == len({i.flag for i in infos}) == len(infos)
    assert all(i.env.startswith("IMR_SEARCH_") and i.flag.startswith("--") for i in infos)


def test_help_lists_every_setting_with_its_variable() -> None:
    out = CliRunner().invoke(main, ["--help"], terminal_width=200).stdout
    for info in describe():
        line = next((ln for ln in out.splitlines() if ln.lstrip().startswith(info.flag)), "")
        assert f"${info.env}" in line, f"{info.flag} is not listed with ${info.env}"


def test_every_flag_is_taken_where_the_help_says() -> None:
    for info in describe():
        for command in info.where.split(", "):
            if command == "each command":
                continue
            args = [] if command == "imr-search" else [command]
            out = CliRunner().invoke(main, [*args, "--help"], terminal_width=200).stdout
            assert info.flag in out, f"{command} has no {info.flag}"


def items_per_seed() -> list[int]:
    out = CliRunner().invoke(main, ["parse", "--jobs", "1", *map(str, SEEDS)]).stdout
    return [len(json.loads(line)["items"]) for line in out.splitlines()]


def test_a_letter_limit_flag_reaches_the_parser_and_beats_the_environment() -> None:
    counts = items_per_seed()
    over = sum(n > 1 for n in counts)
    assert 0 < over < len(SEEDS), counts  # the seeds hold letters of one and of several items
    seeds = list(map(str, SEEDS))
    by_flag = CliRunner().invoke(main, ["parse", "--jobs", "1", "--max-items", "1", *seeds])
    assert by_flag.exit_code == 1
    assert by_flag.stderr.count("the limit is 1 (raise it with --max-items") == over
    assert len(by_flag.stdout.splitlines()) == len(SEEDS) - over
    # The environment alone lowers it too, and a flag given with it wins.
    env = {"IMR_SEARCH_MAX_ITEMS": "1"}
    by_env = CliRunner(env=env).invoke(main, ["parse", "--jobs", "1", *seeds])
    assert by_env.exit_code == 1
    both = CliRunner(env=env).invoke(main, ["parse", "--jobs", "1", "--max-items", "100", *seeds])
    assert both.exit_code == 0, both.stderr


def test_a_flag_before_the_command_reaches_it(letters_index: Path) -> None:
    query = "physical therapy for the lumbar spine"
    args = ["search", query, "--index", str(letters_index)]
    assert CliRunner().invoke(main, args).exit_code == 0
    short = CliRunner().invoke(main, ["--max-query-length", "10", *args])
    assert short.exit_code == 2
    assert f"({len(query)} characters; the limit is 10)" in short.stderr


@pytest.mark.server
def test_a_serve_flag_reaches_the_server(letters_index: Path, tmp_path: Path) -> None:
    command = ("imr_search", "serve")
    with server_process(
        letters_index, tmp_path / "log", "--max-url-length", "300", command=command
    ) as server:
        assert httpx.get(f"{server.url}/api/search?q=knee").status_code == 200
        long = httpx.get(f"{server.url}/api/search?q=" + "knee+" * 80)
        assert long.status_code == 414


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("IMR_SEARCH_MAX_PAGES", "0"),
        ("IMR_SEARCH_PORT", "70000"),
        ("IMR_SEARCH_FILE_TIME_LIMIT", "-1"),
    ],
)
def test_a_variable_out_of_range_is_bad_input_as_its_flag_would_be(
    variable: str, value: str
) -> None:
    result = CliRunner(env={variable: value}).invoke(main, ["parse", "--jobs", "1", str(SEEDS[0])])
    assert result.exit_code == 2
    assert f"{variable}={value!r} is out of range" in result.stderr
