"""A cold start of the CLI: ``imr-search --help`` and a search's startup import only what they
use. Checked by the modules a fresh interpreter holds afterwards (no timing: a loaded box
would make any threshold flaky; ``python -X importtime -m imr_search --help`` shows where the
time goes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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

PROBE = """
import json, sys
from imr_search.cli import main
try:
    main(sys.argv[1:], prog_name="imr-search")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy})))
"""


def loaded(*args: str, cwd: Path) -> list[str]:
    code = PROBE.replace("{heavy}", repr(set(HEAVY)))
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_help_imports_no_heavy_module(tmp_path: Path) -> None:
    assert loaded("--help", cwd=tmp_path) == []


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
