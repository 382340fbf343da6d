"""``python -m imr_search.server [--index DIR] [--host HOST] [--port PORT]``: run the server.

A small launcher for tests and deployments; ``imr-search serve`` is the same thing inside the
CLI. Settings come from the ``IMR_SEARCH_*`` environment, then these flags.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from imr_search.config import load_settings
from imr_search.errors import ImrSearchError
from imr_search.server.app import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imr_search.server", description=__doc__)
    parser.add_argument("--index", type=Path, help="index directory (default: ./index)")
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: 8080; 0 picks a free one)")
    parser.add_argument("--query-time-limit", type=float, help="seconds per query (default 5)")
    parser.add_argument("--workers", type=int, help="worker processes (default: cores, at most 2)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(
            os.environ,
            index_dir=args.index,
            host=args.host,
            port=args.port,
            query_time_limit=args.query_time_limit,
            workers=args.workers,
        )
        serve(settings)
    except ImrSearchError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"Error: cannot listen on {args.host or 'the address'}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
