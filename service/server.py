"""Running the service under gunicorn: `serve` (what `kgqa serve` calls) builds the app, loading the graph
once, then forks gunicorn's workers from it; service.wsgi is the entry for running gunicorn directly."""

import math
import os
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.stores import StoreConfig
from service import create_app

MAX_REQUEST_LINE = 8190  # gunicorn's largest: room for long GET queries (default 4094)


class Server(BaseApplication):
    """gunicorn serving an app built here, with options from a dict instead of the command line."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.app, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # gunicorn before 27 has no control socket to disable
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app


def server_options(app: Flask, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    timeout = math.ceil(app.config["QUERY_TIMEOUT"])
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",  # a thread waiting on a query leaves the others answering
        "threads": threads,
        "timeout": timeout + 30,  # a worker waiting on a query is not a stuck worker
        "graceful_timeout": timeout + 5,
        "limit_request_line": MAX_REQUEST_LINE,
        "control_socket_disable": True,  # one shared path in $HOME would clash between servers
    }


def serve(
    store: StoreConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 2,
    *,
    threads: int = 4,
) -> None:
    """Serve the graph in `store` (else the one the STORE, GRAPH and SPARQL_* settings name) until stopped.
    Raises GraphUnavailable before anything listens if there is no graph; other settings come from KGQA_*."""
    config = None
    if store is not None:
        config = {
            "STORE": store.kind,
            "GRAPH": os.fspath(store.directory),
            "SPARQL_QUERY_URL": store.query_url,
            "SPARQL_UPDATE_URL": store.update_url,
        }
    app = create_app(config)
    Server(app, server_options(app, host, port, workers, threads)).run()
