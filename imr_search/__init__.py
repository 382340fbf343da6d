"""imr-search: full-text and faceted search over California IMR Final Determination Letters."""

__version__ = "0.1.0"
