"""``/letters/ID/source`` serves a letter's file only while its bytes hash to what the index
recorded, never through a symlink that leads out of the letter's folder, and takes the id in
any case. Real letters indexed by the CLI into a real index; a real server on loopback.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from server_fixtures import serve_in_thread

from imr_search.cli import main
from imr_search.config import Settings
from imr_search.engines.registry import ENGINES
from imr_search.server import create_app

# isort: split
from factories import FIXTURES

pytest_plugins = ["server_fixtures"]

PDFS = sorted((FIXTURES / "letters").glob("*.pdf"))[:3]


@pytest.fixture(params=sorted(ENGINES))
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[httpx.Client, Path]]:
    """A folder of three letters, indexed; the client and the folder."""
    folder = tmp_path / "letters"
    folder.mkdir()
    for pdf in PDFS:
        shutil.copy(pdf, folder / pdf.name)
    index = tmp_path / "index"
    done = CliRunner().invoke(
        main, ["index", str(folder), "--no-cache", "--engine", request.param, "--index", str(index)]
    )
    assert done.exit_code == 0, done.output
    app = create_app(Settings(index_dir=index))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client, folder


def test_the_file_is_served_by_its_id_in_any_case(served: tuple[httpx.Client, Path]) -> None:
    client, folder = served
    for pdf in PDFS:
        letter_id = pdf.stem  # the fixture files are named by case number
        for given in (letter_id, letter_id.lower()):
            response = client.get(f"/letters/{given}/source")
            assert response.status_code == 200, (given, response.text)
            assert response.content == (folder / pdf.name).read_bytes()
            assert response.headers["content-type"] == "application/pdf"
            assert response.headers["content-disposition"] == f'inline; filename="{pdf.name}"'
        assert client.head(f"/letters/{letter_id}/source").status_code == 200


def test_a_file_replaced_by_a_symlink_out_of_the_folder_is_refused(
    served: tuple[httpx.Client, Path], tmp_path: Path
) -> None:
    client, folder = served
    first, second, _ = PDFS
    # To a file elsewhere (the probe's /etc/hostname), and to an identical copy elsewhere,
    # whose bytes still hash right: both lead out of the letters' folder.
    (folder / first.name).unlink()
    (folder / first.name).symlink_to(Path("/etc/hostname"))
    outside = tmp_path / "elsewhere.pdf"
    shutil.copy(second, outside)
    (folder / second.name).unlink()
    (folder / second.name).symlink_to(outside)
    for pdf in (first, second):
        response = client.get(f"/letters/{pdf.stem}/source")
        assert response.status_code == 404, pdf
        assert response.headers["content-type"].startswith("text/html")
        assert str(tmp_path) not in response.text
        assert "/etc/" not in response.text


def test_a_symlink_inside_the_folder_to_the_same_bytes_is_served(
    served: tuple[httpx.Client, Path],
) -> None:
    client, folder = served
    pdf = PDFS[0]
    kept = folder / "kept.bin"
    (folder / pdf.name).rename(kept)
    (folder / pdf.name).symlink_to(kept)
    response = client.get(f"/letters/{pdf.stem}/source")
    assert response.status_code == 200
    assert response.content == kept.read_bytes()


def test_a_changed_file_is_not_served_as_the_original(served: tuple[httpx.Client, Path]) -> None:
    client, folder = served
    pdf = PDFS[0]
    path = folder / pdf.name
    path.write_bytes(path.read_bytes() + b"\n% appended after indexing\n")
    response = client.get(f"/letters/{pdf.stem}/source")
    assert response.status_code == 404
    assert "has changed since it was indexed" in response.text
    assert str(folder) not in response.text
