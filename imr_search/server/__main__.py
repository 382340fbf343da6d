"""``python -m imr_search.server``: ``imr-search serve`` under another name.

One launcher: the same flags, messages and exit codes as the CLI's ``serve`` (see
``imr-search serve --help``). Settings come from the ``IMR_SEARCH_*`` environment, then flags.
"""

from __future__ import annotations

import sys

from imr_search.cli.serve_command import serve


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    serve.main(args, prog_name="python -m imr_search.server")


if __name__ == "__main__":
    main()
