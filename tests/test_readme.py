"""The commands of the README and the tutorial work as written.

Every line of the ``sh`` blocks of README.md and then docs/tutorial.md (the walkthrough the
README links to) is checked. An ``imr-search`` line runs through the real command line, in
that order (a line may read what an earlier one wrote, e.g. ``> letters.jsonl`` then
``--from-records letters.jsonl``), in a temporary folder laid out as a newcomer's would be
after ``make run``: ``seeds/``, ``letters/`` (the fixture PDFs), ``more/letter.pdf``, the
``letter.pdf``/``letter.txt`` the examples name, and the default ``index/`` holding the demo
letters, indexed as ``make run`` indexes them. A line that needs what a test cannot have (the
reader's own letters under ``~`` or ``/data``, a Dask cluster, a server that runs until
stopped) has its options parsed by the real command instead of running, and so does a line
that uses an index only such a line would have made. Synopsis brackets
(``[--format text|json]``) are checked option by option. ``make`` targets, the venv's
``activate`` and pytest markers the pages name must exist. The links ``make run`` prints answer
on the demo index it builds, with what the letters say.
"""

from __future__ import annotations

import re
import shlex
import shutil
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import httpx
import pytest
from click.testing import CliRunner, Result

from imr_search.cli import main
from imr_search.config import Settings
from imr_search.parse import parse_path
from imr_search.server import create_app

# isort: split
from factories import FIXTURES
from server_fixtures import serve_in_thread

ROOT = Path(__file__).resolve().parent.parent
# The pages whose commands run, in this order: the README's first search needs the demo index,
# and the tutorial goes on from where the README stops.
PAGES = (ROOT / "README.md", ROOT / "docs" / "tutorial.md")
MAKEFILE = (ROOT / "Makefile").read_text()
IMR_SEARCH = ("imr-search", ".venv/bin/imr-search")

# Why a line is parsed rather than run: (what in the line, why).
NOT_RUN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(~|/data/|/mnt/)"), "the reader's own letters"),
    (re.compile(r"^--dask$"), "a Dask cluster (tests/ingest/test_cluster.py runs one)"),
    (re.compile(r"^serve$"), "a server runs until stopped (the server tests start one)"),
)


def sh_lines(text: str) -> list[str]:
    """Every command line of the ``sh`` blocks, continuation lines joined."""
    lines: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                lines.append(line.strip())
    return lines


@dataclass
class Line:
    """One line of the pages that calls imr-search, split into what the shell would do."""

    text: str
    args: list[str]  # after `imr-search`, synopsis brackets removed
    optional: list[list[str]]  # each [...] group of a synopsis line
    stdin: str | None = None  # `cat FILE |`
    stdout: str | None = None  # `> FILE`
    env: dict[str, str] | None = None  # `NAME=value imr-search ...`

    @property
    def command(self) -> str:
        return next(a for a in self.args if not a.startswith("-"))


def shell_words(text: str) -> list[str]:
    """The words of a shell line as sh splits them; a comment starts at an unquoted ``#`` that
    begins a word (shlex's own comments would also cut ``CM17-0017734#1``)."""
    quote = None
    for i, char in enumerate(text):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or text[i - 1].isspace()):
            text = text[:i]
            break
    return shlex.split(text)


def split_line(text: str) -> Line | None:
    """The imr-search call of a shell line, or None when the line does not call imr-search."""
    tokens = shell_words(text)
    stdin = stdout = None
    if "|" in tokens:
        left, tokens = tokens[: tokens.index("|")], tokens[tokens.index("|") + 1 :]
        if len(left) != 2 or left[0] != "cat":
            pytest.fail(f"a page pipes what this test cannot: {text}")
        stdin = left[1]
    if ">" in tokens:
        tokens, right = tokens[: tokens.index(">")], tokens[tokens.index(">") + 1 :]
        assert len(right) == 1, f"a page redirects what this test cannot: {text}"
        stdout = right[0]
    env: dict[str, str] = {}
    while tokens and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", tokens[0]):
        name, value = tokens.pop(0).split("=", 1)
        env[name] = value
    if not tokens or tokens[0] not in IMR_SEARCH:
        return None
    args: list[str] = []
    optional: list[list[str]] = []
    group: list[str] | None = None
    for token in tokens[1:]:
        if group is None and token.startswith("["):
            group, token = [], token[1:]
        if group is None:
            args.append(token)
            continue
        closed = token.endswith("]")
        group.append(token.removesuffix("]"))
        if closed:
            optional.append(group)
            group = None
    assert group is None, f"unclosed [ in a page's line: {text}"
    return Line(text, args, optional, stdin, stdout, env or None)


def page_lines() -> list[str]:
    return [line for page in PAGES for line in sh_lines(page.read_text())]


def imr_search_lines() -> list[Line]:
    return [line for text in page_lines() if (line := split_line(text)) is not None]


def subcommand(name: str) -> click.Command:
    command = main.get_command(click.Context(main), name)
    assert command is not None, f"the pages use `imr-search {name}`, which does not exist"
    return command


def leaf(line: Line, args: list[str]) -> tuple[str, click.Command, list[str]]:
    """The command a line runs, through a group's subcommands (``alerts add``), and its
    arguments."""
    name, command = line.command, subcommand(line.command)
    rest = args[args.index(line.command) + 1 :]
    while isinstance(command, click.Group) and rest:
        sub = command.get_command(click.Context(command), rest[0])
        if sub is None:
            break
        name, command, rest = rest[0], sub, rest[1:]
    return name, command, rest


def check_options(line: Line, args: list[str]) -> None:
    """The real command parses ``args`` (options, choices, types) without running."""
    name, command, rest = leaf(line, args)
    try:
        command.make_context(name, rest)
    except click.ClickException as e:
        pytest.fail(f"line `{line.text}`: {e.format_message()}")


def check_synopsis(line: Line) -> None:
    """Each [--option VALUE] of a synopsis: the option exists; concrete values and each
    alternative of `a|b` parse; placeholders (DIR) stand for any value."""
    command = leaf(line, line.args)[1]
    names = {opt for param in command.params for opt in param.opts}
    for group in line.optional:
        assert group[0] in names, f"line `{line.text}`: no option {group[0]}"
        if len(group) == 2 and not group[1].isupper():
            for value in group[1].split("|"):
                check_options(line, [*line.args, group[0], value])


def not_run_because(line: Line, unbuilt: set[str]) -> str | None:
    for token in line.args:
        for pattern, why in NOT_RUN:
            if pattern.search(token):
                return why
    if "--index" in line.args and line.args[line.args.index("--index") + 1] in unbuilt:
        return "an index only a line that was not run would have made"
    return None


@dataclass
class Outcome:
    line: Line
    ran: bool
    result: Result | None
    why_not: str | None


@dataclass
class ReadmeRun:
    folder: Path
    outcomes: list[Outcome]


def workspace(folder: Path) -> None:
    """A newcomer's folder after ``make run``: the files the examples name and the demo
    index."""
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    pdfs = sorted((FIXTURES / "letters").glob("*.pdf"))
    (folder / "letters").mkdir()
    for pdf in pdfs[:-1]:
        shutil.copy(pdf, folder / "letters" / pdf.name)
    (folder / "more").mkdir()
    shutil.copy(pdfs[-1], folder / "more" / "letter.pdf")  # a letter not yet in letters/
    shutil.copy(pdfs[0], folder / "letter.pdf")
    shutil.copy(sorted((ROOT / "seeds").glob("*.txt"))[0], folder / "letter.txt")
    # `make run`: the seeds and the fixture letters into the default index folder.
    demo = [folder / "seeds", folder / "letters", folder / "more"]
    result = CliRunner().invoke(
        main, ["index", *map(str, demo), "--index", str(folder / "index"), "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReadmeRun]:
    folder = tmp_path_factory.mktemp("newcomer")
    workspace(folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        for name in ("IMR_SEARCH_INDEX", "IMR_SEARCH_ENGINE", "IMR_SEARCH_WORKERS"):
            mp.delenv(name, raising=False)
        outcomes: list[Outcome] = []
        unbuilt: set[str] = set()
        for line in imr_search_lines():
            why_not = not_run_because(line, unbuilt)
            if why_not is not None:
                check_options(line, line.args)
                check_synopsis(line)
                if "--index" in line.args:
                    unbuilt.add(line.args[line.args.index("--index") + 1])
                outcomes.append(Outcome(line, False, None, why_not))
                continue
            check_synopsis(line)
            stdin = Path(line.stdin).read_bytes() if line.stdin else None
            result = CliRunner(env=line.env).invoke(
                main, line.args, input=stdin, prog_name="imr-search"
            )
            if line.stdout:
                Path(line.stdout).write_bytes(result.stdout_bytes)
            outcomes.append(Outcome(line, True, result, None))
        yield ReadmeRun(folder, outcomes)


@pytest.mark.slow
def test_every_readme_command_runs(readme_run: ReadmeRun) -> None:
    failed = [
        f"`{o.line.text}` -> exit {o.result.exit_code}: {o.result.output.strip()[-500:]}"
        for o in readme_run.outcomes
        if o.result is not None and o.result.exit_code != 0
    ]
    assert not failed, "\n".join(failed)


@pytest.mark.slow
def test_readme_commands_run_rather_than_only_parse(readme_run: ReadmeRun) -> None:
    # Guards against pages (or a NOT_RUN rule) that leaves every line to the parse check.
    ran = {o.line.command for o in readme_run.outcomes if o.ran}
    used = {o.line.command for o in readme_run.outcomes}
    # serve runs until stopped; fetch reaches DWC's site (tests/cli/test_cli_fetch.py runs it
    # against a stand-in of the site on loopback).
    alone = {"serve", "fetch"}
    assert used - ran <= alone, f"no line of {sorted(used - ran - alone)} ran"
    ran_count = sum(o.ran for o in readme_run.outcomes)
    assert ran_count > 2 * (len(readme_run.outcomes) - ran_count)


@pytest.mark.slow
def test_readme_outputs_are_what_the_letters_give(readme_run: ReadmeRun) -> None:
    # `imr-search parse seeds/ --format jsonl` prints one record per seed letter, and the last
    # `--rebuild` (`index letters/ --engine tantivy --rebuild`) left the default index with
    # exactly the letters of letters/: counted from the files, not from the output.
    by_text = {shlex.join(shell_words(o.line.text)): o for o in readme_run.outcomes}
    seeds = by_text["imr-search parse seeds/ --format jsonl"].result
    assert seeds is not None
    assert len(seeds.stdout.splitlines()) == len(list((ROOT / "seeds").glob("*.txt")))
    stats = by_text["imr-search stats '[--format' 'text|json]'"].result
    assert stats is not None
    expected = [parse_path(p) for p in sorted((readme_run.folder / "letters").glob("*.pdf"))]
    assert f"letters: {len(expected)}\n" in stats.stdout
    assert f"items: {sum(len(letter.items) for letter in expected)}\n" in stats.stdout


def test_every_imr_search_command_in_the_readme_has_a_help() -> None:
    for name in sorted({line.command for line in imr_search_lines()}):
        result = CliRunner().invoke(main, [name, "--help"], prog_name="imr-search")
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"Usage: imr-search {name} ")


def test_other_readme_commands_exist() -> None:
    """make targets, the venv's activate script, pytest markers: nothing else is in sh blocks."""
    markers = {
        m.split(":")[0]
        for m in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
            "ini_options"
        ]["markers"]
    }
    venv = re.search(r"^VENV\s*:?=\s*(\S+)", MAKEFILE, re.MULTILINE)
    assert venv is not None
    for text in page_lines():
        if split_line(text) is not None:
            continue
        tokens = shell_words(text)
        if tokens[0] == "make":
            for target in (t for t in tokens[1:] if "=" not in t):
                assert re.search(rf"^{target}:", MAKEFILE, re.MULTILINE), f"no make {target}"
        elif tokens[0] == ".":
            assert tokens[1] == f"{venv.group(1)}/bin/activate", text
        elif tokens[0] == f"{venv.group(1)}/bin/pytest":
            expression = tokens[tokens.index("-m") + 1] if "-m" in tokens else ""
            words = set(re.findall(r"\w+", expression)) - {"not", "and", "or"}
            assert words <= markers, f"`{text}`: unknown markers {words - markers}"
            for path in (t for t in tokens if t.endswith(".py")):
                assert (ROOT / path).is_file(), f"`{text}`: no {path}"
        else:
            pytest.fail(f"line `{text}`: this test does not know how to check it")


# -- make run ----------------------------------------------------------------------------------


def make_variable(name: str) -> str:
    found = re.search(rf"^{name}\s*:?=\s*(.*)$", MAKEFILE, re.MULTILINE)
    assert found is not None, f"the Makefile has no {name}"
    return found.group(1).strip()


@pytest.mark.slow
def test_make_run_links_answer_on_the_demo_index(tmp_path: Path) -> None:
    demo = [ROOT / p for p in make_variable("DEMO_LETTERS").split()]
    index = tmp_path / "index"
    result = CliRunner().invoke(
        main, ["index", *map(str, demo), "--index", str(index), "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output
    records = [parse_path(p) for p in sorted(f for d in demo for f in d.rglob("*") if f.is_file())]
    # A realistic first impression: real letters with dates, so stats has a date span.
    decided = sorted(r.decision_date for r in records if r.decision_date is not None)
    assert len(decided) >= 20
    stats = CliRunner().invoke(main, ["stats", "--index", str(index)])
    assert f"letters: {len(records)}\n" in stats.stdout
    assert f"decided: {decided[0]} to {decided[-1]}" in stats.stdout

    links = re.findall(r"\$\(URL\)(/\S*)", MAKEFILE)
    assert len(links) == 4, links  # the address and the three things to try
    items = [(r, item) for r in records for item in r.items]
    with serve_in_thread(create_app(Settings(index_dir=index))) as url:
        pages = {link: httpx.get(url + link, timeout=30) for link in links}
    assert all(page.status_code == 200 for page in pages.values()), pages
    search, letter, precedents = (pages[link].text for link in links[1:])

    # 1. a search with an overturned item to click in the sidebar
    therapy = [(r, i) for r, i in items if "physical therapy" in i.service.lower()]
    assert any(f"{r.id}#{i.number}" in search or r.id in search for r, i in therapy)
    assert any(i.decision == "overturned" for _, i in therapy)
    assert 'data-value="overturned"' in search
    # 2. the letter, with its panel
    letter_id = links[2].rsplit("/", 1)[1]
    shown = next(r for r in records if r.id == letter_id)
    assert shown.items[0].service in letter
    assert "Decisions like this one" in letter
    # 3. precedents: the demo's MRIs of the lumbar spine, counted from the records
    mri_lumbar = [i for _, i in items if i.modality == "mri" and i.body_region == "lumbar spine"]
    assert mri_lumbar
    words = " ".join(re.sub(r"<[^>]+>", " ", precedents).split())
    assert re.search(rf"\b{len(mri_lumbar)} such items", words), words
