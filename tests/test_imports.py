"""Engines are leaf adapters: only an engine's own package imports its library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "imr_search"
# library -> the one package of imr_search allowed to import it
OWNERS = {"tantivy": "engines/tantivy", "whoosh": "engines/whoosh"}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports (relative imports excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_only_the_engine_package_imports_its_library(library: str) -> None:
    owner = PACKAGE / OWNERS[library]
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if owner not in path.parents and library in imported_modules(path)
    ]
    assert offenders == [], f"{library} imported outside imr_search/{OWNERS[library]}/"
    assert any(library in imported_modules(p) for p in owner.rglob("*.py"))


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    import tantivy.x\n    from whoosh import index\n")
    assert imported_modules(source) == {"tantivy", "whoosh"}


@pytest.mark.parametrize("outsider", ["imr_synth", "benchmarks"])
def test_the_library_never_imports_the_generator_or_the_benchmarks(outsider: str) -> None:
    # imr_synth is installed beside imr_search for the tests and benchmarks; it stays out of
    # the library's import graph so the library never depends on test-data code
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if outsider in imported_modules(path)
    ]
    assert offenders == []


# (where a file stands, what it imports, whether ruff's banned-api rule (TID251) flags it)
LINT_CASES = [
    ("imr_search/cli_probe.py", "import whoosh\n", True),
    ("imr_search/server/probe.py", "from tantivy import Index\n", True),
    ("imr_synth/probe.py", "from whoosh.query import Term\n", True),
    ("benchmarks/probe.py", "import tantivy\n", True),
    ("tests/test_probe.py", "import whoosh.index\n", True),
    ("imr_search/engines/whoosh/probe.py", "from whoosh.query import Term\n", False),
    ("imr_search/engines/whoosh/probe.py", "import tantivy\n", True),
    ("imr_search/engines/tantivy/probe.py", "import tantivy\n", False),
    ("imr_search/engines/tantivy/probe.py", "from whoosh import index\n", True),
    ("benchmarks/baselines/tantivy_engine.py", "import tantivy\n", False),
]


@pytest.mark.parametrize(("where", "source", "banned"), LINT_CASES)
def test_the_lint_rule_bans_engine_libraries_outside_their_package(
    where: str, source: str, banned: bool
) -> None:
    # the build's own ruff and configuration, the rule selection included (the file need not
    # exist: ruff resolves the configuration, nested ruff.toml files too, from the name given)
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [
            *(str(ruff), "check", "--output-format", "concise"),
            *("--no-cache", "--stdin-filename", str(PACKAGE.parent / where), "-"),
        ],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    # the probe's unused import trips F401 either way: only TID251 tells
    assert ("TID251" in done.stdout) is banned, done.stdout + done.stderr
