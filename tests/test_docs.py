"""The documentation stays true: the generated parts of docs/ (cog) match the code, every
command has a reference section, every limit setting and every stage folder is documented, and
the pinned engine distributions are the ones installed."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import whoosh  # noqa: TID251 (the pin is of the installed whoosh package itself)

from imr_search.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text()
PACKAGE = ROOT / "imr_search"
# The pages whose reference parts cog generates from the code.
GENERATED = ("cli.md", "query-language.md", "api.md")


def cog(*args: str | Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).parent / "cog"
    return subprocess.run(
        [str(tool), *map(str, args)], cwd=ROOT, capture_output=True, text=True, check=False
    )


def cogged_pages() -> list[Path]:
    return sorted(p for p in DOCS.glob("*.md") if "[[[cog" in p.read_text())


def test_the_generated_docs_match_the_code() -> None:
    # `cog -r docs/*.md` rewrites them; here nothing may have changed since.
    pages = cogged_pages()
    assert {p.name for p in pages} >= set(GENERATED)
    done = cog("--check", *pages)
    assert done.returncode == 0, f"run `cog -r docs/*.md`:\n{done.stdout}{done.stderr}"


def test_cog_check_fails_when_a_generated_part_is_stale(tmp_path: Path) -> None:
    page = tmp_path / "cli.md"
    text = (DOCS / "cli.md").read_text()
    assert "Usage: imr-search search " in text
    page.write_text(text.replace("Usage: imr-search search ", "Usage: imr-search find ", 1))
    done = cog("--check", page)
    assert done.returncode != 0
    assert "cli.md" in done.stdout + done.stderr


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
    return found


def test_every_command_has_a_section_in_the_cli_reference() -> None:
    reference = (DOCS / "cli.md").read_text()
    names = commands(main)
    assert ("alerts", "add") in names
    for path in names:
        words = " ".join(path)
        assert f"\n## imr-search {words}\n" in reference, f"docs/cli.md has no {words}"
        assert f"$ imr-search {words} --help\nUsage: imr-search {words} " in reference


def test_every_runtime_dependency_is_explained_in_the_readme() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=\[ ]", requirement, maxsplit=1)[0]
        assert f"`{name}" in README, f"README does not say why {name} is a dependency"


def test_whoosh_is_the_pinned_distribution() -> None:
    # Every Whoosh distribution installs the same `whoosh` package; only whoosh3 3.54.0 has
    # the BufferedWriter sortable-column, open NumericRange and TimeLimitCollector fixes.
    assert whoosh.versionstring() == "3.54.0"


def test_tantivy_is_the_pinned_version() -> None:
    # The engine relies on 0.27's Python API (terms_with_prefix, fast_field_values).
    from importlib.metadata import version

    assert version("tantivy") == "0.27.0"


def test_every_limit_setting_is_in_the_limits_table_with_its_default() -> None:
    from imr_search.config import Settings, describe

    rows = [line for line in (DOCS / "limits.md").read_text().splitlines() if line.startswith("| ")]
    defaults = Settings()
    for info in describe():
        var, name = info.env, info.name
        if not any(word in name for word in ("max_", "time_limit", "workers")):
            continue  # where the index is and where to listen: not limits
        row = next((r for r in rows if f"`{var}`" in r), None)
        assert row is not None, f"docs/limits.md's table does not list {var}"
        assert f"{info.flag}`" in row, f"docs/limits.md's table does not give {info.flag} for {var}"
        value = getattr(defaults, name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown = {f"{value:,}", f"{value:g}", f"{value // (1024 * 1024)} MB"}
            assert any(f"| {s} |" in row for s in shown), f"{var}: default {value} not in {row}"


# -- docs/architecture.md ----------------------------------------------------------------------

FOLDER_HEADING = re.compile(r"^### `imr_search/((?:[a-z_]+/)*)`", re.MULTILINE)


def stage_folders() -> set[str]:
    """Every package folder under imr_search/, as `parse/`, `engines/whoosh/`."""
    return {
        f"{p.parent.relative_to(PACKAGE).as_posix()}/"
        for p in PACKAGE.rglob("__init__.py")
        if p.parent != PACKAGE
    }


def architecture_sections(text: str) -> dict[str, str]:
    """Each folder section of the page, by its folder (`` for the root), to its text."""
    marks = list(FOLDER_HEADING.finditer(text))
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return {
        m.group(1): text[m.end() : end].split("\n## ", 1)[0]
        for m, end in zip(marks, ends, strict=True)
    }


def architecture_problems(text: str) -> list[str]:
    sections = architecture_sections(text)
    problems = [f"no section for imr_search/{f}" for f in sorted(stage_folders() - set(sections))]
    for folder, section in sections.items():
        if folder and folder not in stage_folders():
            problems.append(f"a section for imr_search/{folder}, which is not a package")
            continue
        for module in re.findall(r"`([a-z_]+\.py)`", section):
            if not (PACKAGE / folder / module).is_file():
                problems.append(f"imr_search/{folder}{module} does not exist")
    for named in re.findall(r"`imr_search/((?:[a-z_]+/)+)`", text):
        if named != "data/" and named not in stage_folders():
            problems.append(f"the page names imr_search/{named}, which is not a package")
    return problems


def test_architecture_page_names_every_stage_folder() -> None:
    text = (DOCS / "architecture.md").read_text()
    assert {"parse/", "engines/whoosh/"} <= stage_folders()
    assert architecture_problems(text) == []


def test_architecture_check_sees_a_missing_and_a_stale_folder() -> None:
    text = (DOCS / "architecture.md").read_text()
    without_parse = text.replace("### `imr_search/parse/`", "### parsing")
    assert "no section for imr_search/parse/" in architecture_problems(without_parse)
    stale = text + "\n### `imr_search/query/`\n\n`syntax.py`\n"
    assert "a section for imr_search/query/, which is not a package" in architecture_problems(stale)
    renamed = text.replace("`sections.py`", "`splitter.py`")
    assert "imr_search/parse/splitter.py does not exist" in architecture_problems(renamed)
