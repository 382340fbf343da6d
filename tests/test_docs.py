"""The documentation stays true: the README's --help block, every command documented, and
the pinned Whoosh distribution."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import whoosh  # noqa: TID251 (the pin is of the installed whoosh package itself)
from click.testing import CliRunner

from imr_search.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_help_block_matches_the_real_help() -> None:
    block = re.search(r"\$ imr-search --help\n(.*?)```", README, re.DOTALL)
    assert block is not None, "README has no `imr-search --help` block"
    real = CliRunner().invoke(main, ["--help"], prog_name="imr-search", terminal_width=80).stdout
    assert block.group(1) == real


def test_every_command_has_a_readme_section() -> None:
    for name in main.list_commands(None):  # type: ignore[arg-type]
        assert re.search(rf"^### .*\b{name}\b", README, re.MULTILINE), f"no section for {name}"


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


def test_every_limit_setting_is_in_the_readme_limits_table_with_its_default() -> None:
    from imr_search.config import Settings, describe

    section = README.split("## Limits\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    defaults = Settings()
    for info in describe():
        var, name = info.env, info.name
        if not any(word in name for word in ("max_", "time_limit", "workers")):
            continue  # where the index is and where to listen: not limits
        row = next((r for r in rows if f"`{var}`" in r), None)
        assert row is not None, f"README's Limits table does not list {var}"
        assert f"{info.flag}`" in row, f"README's Limits table does not give {info.flag} for {var}"
        value = getattr(defaults, name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown = {f"{value:,}", f"{value:g}", f"{value // (1024 * 1024)} MB"}
            assert any(f"| {s} |" in row for s in shown), f"{var}: default {value} not in {row}"
