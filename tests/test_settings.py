"""Every setting has one description (``config.describe()``): an environment variable and a
flag that both reach the code, listed by ``imr-search --help``; the flag wins over the
environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from server_fixtures import server_process

from imr_search.cli import main
from imr_search.config import Settings, describe, load_settings
from imr_search.errors import ConfigError

pytest_plugins = ["server_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CONFIGURATION_PAGE = ROOT / "docs" / "configuration.md"


def test_each_setting_has_its_own_variable_and_flag() -> None:
    infos = describe()
    assert [i.name for i in infos] == list(Settings.model_fields)
    assert len({i.env for i in infos}) == len(infos)
    # A flag names one setting in each command that takes it (fetch's --base-url is DWC's
    # site, the server's is its own public address).
    commands = {c.strip() for i in infos for c in i.where.split(",")}
    for command in commands:
        flags = [i.flag for i in infos if command in {c.strip() for c in i.where.split(",")}]
        assert len(set(flags)) == len(flags), command
    assert all(i.env.startswith("IMR_SEARCH_") and i.flag.startswith("--") for i in infos)


def test_each_variable_reaches_its_setting() -> None:
    # The variable's name is pydantic-settings' (prefix, or the field's alias): each one listed
    # is the one read, and it beats the default.
    defaults = Settings()
    for info in describe():
        raw = {int: "7", float: "7.5"}.get(info.kind, "elsewhere")
        raw = "https://elsewhere.example" if info.name == "base_url" else raw
        got = getattr(load_settings({info.env: raw}), info.name)
        assert got != getattr(defaults, info.name), f"{info.env} does not reach {info.name}"
        assert str(got) == raw


def test_settings_never_read_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMR_SEARCH_MAX_PAGES", "3")
    monkeypatch.setenv("IMR_SEARCH_INDEX", "elsewhere")
    assert Settings() == load_settings({})
    assert Settings().max_pages == load_settings({}).max_pages == 200


def test_a_flag_beats_its_variable_and_an_empty_variable_is_unset() -> None:
    env = {"IMR_SEARCH_MAX_PAGES": "3", "IMR_SEARCH_PORT": ""}
    assert load_settings(env).max_pages == 3
    assert load_settings(env, max_pages=9, max_items=None).max_pages == 9
    assert load_settings(env).port == Settings().port


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"IMR_SEARCH_PORT": "http"}, "IMR_SEARCH_PORT='http' is not a valid int"),
        ({"IMR_SEARCH_WORKERS": "65"}, "IMR_SEARCH_WORKERS='65' is out of range: from 1 to 64"),
        (
            {"IMR_SEARCH_QUERY_TIME_LIMIT": "0"},
            "IMR_SEARCH_QUERY_TIME_LIMIT='0' is out of range: a number above 0",
        ),
    ],
)
def test_a_bad_variable_is_named_with_what_it_may_be(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ, max_pages=5)
    assert str(info.value) == message
    assert info.value.exit_code == 2


def test_the_configuration_page_is_written_from_the_settings() -> None:
    # docs/configuration.md's table is a cog block over config.describe(): a setting added,
    # renamed or given a new default, range or help fails here until the page is written again.
    check = [sys.executable, "-m", "cogapp", "--check", str(CONFIGURATION_PAGE)]
    result = subprocess.run(check, capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, (
        f"docs/configuration.md is out of date: run cog -r docs/configuration.md\n{result.stdout}"
    )
    page = CONFIGURATION_PAGE.read_text()  # and the block is there, one row a setting
    for info in describe():
        assert f"| `{info.name}` | `{info.flag}` " in page


def test_help_lists_every_setting_with_its_variable() -> None:
    out = CliRunner().invoke(main, ["--help"], terminal_width=200).stdout
    for info in describe():
        # A flag may name two settings of different commands (fetch's --base-url is DWC's
        # site, serve's the server's own): each has its line, naming its commands.
        lines = [ln for ln in out.splitlines() if ln.lstrip().startswith(info.flag + " ")]
        assert any(f"${info.env}" in ln for ln in lines), f"{info.flag} lacks ${info.env}"


def test_every_flag_is_taken_where_the_help_says() -> None:
    for info in describe():
        for command in info.where.split(", "):
            if command == "each command":
                continue
            args = [] if command == "imr-search" else [command]
            out = CliRunner().invoke(main, [*args, "--help"], terminal_width=200).stdout
            assert info.flag in out, f"{command} has no {info.flag}"


def test_a_variable_is_read_by_its_flag_on_the_command(letters_index: Path) -> None:
    # click reads the variable of a flag the command has, and the flag given wins over it.
    args = ["search", "physical therapy for the lumbar spine", "--index", str(letters_index)]
    env = {"IMR_SEARCH_MAX_QUERY_LENGTH": "10"}
    by_env = CliRunner(env=env).invoke(main, args)
    assert by_env.exit_code == 2
    assert "the limit is 10)" in by_env.stderr
    assert CliRunner(env=env).invoke(main, ["--max-query-length", "100", *args]).exit_code == 0


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
