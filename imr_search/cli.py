"""Command-line interface (placeholder until the parse command lands)."""


def main() -> None:
    raise SystemExit(0)
