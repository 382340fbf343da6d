"""The ``imr-search`` command line: a thin shell over the library, a module per command group
(``commands`` puts them together)."""

from imr_search.cli.commands import main

__all__ = ["main"]
