"""The settings' plain list (``imr_search.setting_list``, what --help reads without
pydantic-settings) is the settings' own description, ``config.describe()``, and its cog block
is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from imr_search import setting_list
from imr_search.config import describe
from imr_search.setting_list import SETTINGS

MODULE = Path(setting_list.__file__)


def test_the_list_is_the_settings_description() -> None:
    assert list(SETTINGS) == describe()


def test_the_generated_block_is_current() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", str(MODULE)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr + " (run: cog -r " + str(MODULE) + ")"
