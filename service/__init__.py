"""The web service: a Flask application factory in the style of Flask's tutorial.

Settings come from service.settings (defaults, KGQA_* environment variables, the config mapping); the
graph is loaded once at startup (service.state); each feature is a blueprint (service.api, service.sparql);
one error handler (service.errors) renders every error as JSON.
"""

from collections.abc import Mapping
from typing import Any

from flask import Flask, abort, request


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app, with the graph named by the GRAPH setting loaded; KGError (GraphUnavailable) if it cannot be."""
    # Imported here, as in Flask's tutorial, so that importing service.qa alone does not load the web layer.
    from service import api, errors, pages, settings, sparql, state

    app = Flask(__name__)
    app.config.from_mapping(settings.resolve(config))
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_BODY"] - 1
    errors.init_app(app)
    state.init_app(app)

    @app.before_request
    def refuse_large_bodies() -> None:
        """413 as soon as a declared body is too large, even where the endpoint would not read it."""
        if (request.content_length or 0) > app.config["MAX_CONTENT_LENGTH"]:
            abort(413)

    app.register_blueprint(api.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    return app
