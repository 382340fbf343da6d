"""The layout holds: stages as folders that import only downwards, no import circles, modules
one can read in a sitting, and no two modules named alike (docs/architecture.md)."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "imr_search"
# Longer than this and a module is two concepts (the house style's "a few hundred lines").
MAX_LINES = 600
# Each engine package mirrors the other (engine, schema, compile, session...) by design.
ENGINE_PACKAGES = ("engines/whoosh", "engines/tantivy")
ENTRY_NAMES = {"__init__.py", "__main__.py"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_import_contracts_hold() -> None:
    # The layers are declared in pyproject.toml ([tool.importlinter]).
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("imr_search", cache_dir=None)
    circles = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )
    assert circles == []


def test_the_circle_check_sees_a_circle(tmp_path: Path) -> None:
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circled import b\n")
    (package / "b.py").write_text("def f():\n    from circled import a\n")
    sys.path.insert(0, str(tmp_path))
    try:
        graph = grimp.build_graph("circled", cache_dir=None)
    finally:
        sys.path.remove(str(tmp_path))
    assert graph.chain_exists(importer="circled.b", imported="circled.a")
    assert graph.chain_exists(importer="circled.a", imported="circled.b")


def test_no_module_is_too_long_to_read_in_a_sitting() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules()
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_two_modules_are_named_alike_outside_the_engine_packages() -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in modules():
        where = path.relative_to(PACKAGE).as_posix()
        if path.name in ENTRY_NAMES or where.startswith(ENGINE_PACKAGES):
            continue
        # "engine.py" and "engines.py", "errors" and "error": one name a letter apart
        by_name[path.stem.rstrip("s")].append(where)
    alike = {name: places for name, places in by_name.items() if len(places) > 1}
    assert alike == {}


def test_the_tests_mirror_the_package() -> None:
    stages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    folders = {
        p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and any(p.glob("test_*.py"))
    }
    # every stage has its folder of tests; the others are the generator's and benchmarks'
    assert stages <= folders, sorted(stages - folders)
    assert folders - stages <= {"synth", "bench"}
