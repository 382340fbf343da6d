"""The read-only web server: a JSON API (documented at /openapi.json) and the search pages.

``create_app(settings, engine_factory=...)`` builds an application; ``serve(settings)`` runs it
under uvicorn. ``python -m imr_search.server --index DIR`` does the same from a shell.
"""

from imr_search.server.app import create_app, serve

__all__ = ["create_app", "serve"]
