"""The web door: FastAPI app with HTML pages (Jinja2 + vendored htmx) and the REST API.

`create_app()` in :mod:`amity.web.app` builds it; :mod:`amity.web.deps` turns a request into
the signed-in user's `Book`. Importing this package imports nothing heavy.
"""
