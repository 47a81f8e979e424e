"""Running the service: `serve` (what `kgqa serve` calls) builds the app once, loading the graph, then forks the
HTTP server's worker processes from it, so that they share the graph copy-on-write and each forks its own query
processes (kg/pool.py) on first use. service.wsgi is the entry for running a server's own command instead.

Two servers (numbers in README.md, from bench/servers.py):
- granian (the default): HTTP is read by Rust (hyper on tokio); the app runs on a few Python threads per worker
  only once a request's head has arrived, so clients trickling headers or sitting idle hold no thread (a body is
  read as the app asks for it: a client trickling one holds its thread). SIGHUP reloads the graph and replaces the
  workers one by one; SIGTERM lets requests in flight finish.
- gunicorn (gthread): a thread per connection while it reads a request, so eight slow clients can hold every
  thread; kept for deployments built around it. Its own error pages are written as JSON here too.
"""

import errno
import json
import math
import multiprocessing
import multiprocessing.util
import os
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from kg.errors import KGError
from kg.stores import StoreConfig
from service import create_app, security_headers
from service.errors import code_of
from service.heap import keep
from service.state import EXTENSION

SERVERS = ("granian", "gunicorn")
DEFAULT_SERVER = "granian"
HEADER_READ_TIMEOUT_MS = 10_000  # a client gets this long to send a request's head (granian)
RUNTIME_THREADS = 2  # granian's Rust threads per worker that read and write HTTP, beside the app's (BENCHMARKS.md)
MAX_REQUEST_LINE = 8190  # gunicorn's largest request line: room for 8 KB GET queries (default 4094)


class PortInUse(KGError):
    code = "port_in_use"


@dataclass(frozen=True)
class Serving:
    """Where and how to serve: `threads` is per worker process, each of which runs the app."""

    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    threads: int = 8


def serve(store: StoreConfig | None = None, serving: Serving = Serving(), server: str = DEFAULT_SERVER) -> None:
    """Serve the graph in `store` (else the one the STORE, GRAPH and SPARQL_* settings name) until stopped.
    Raises GraphUnavailable or PortInUse before anything listens; other settings come from KGQA_*."""
    if server not in SERVERS:
        raise KGError(f"unknown server {server!r}: choose one of {', '.join(SERVERS)}")
    config = None if store is None else app_config(store)
    check_port_free(serving.host, serving.port)
    app = create_app(config)
    keep()  # the graph lives as long as the server: no collection walks it, and forked workers share it unwritten
    where = f"[{serving.host}]" if ":" in serving.host else serving.host
    print(
        f"serving the {app.extensions[EXTENSION].store.config.describe()} on http://{where}:{serving.port}",
        file=sys.stderr,
    )
    if server == "granian":
        run_granian(AppLoader(app, config), serving)
    else:
        run_gunicorn(app, serving)


def app_config(store: StoreConfig) -> dict[str, Any]:
    return {
        "STORE": store.kind,
        "GRAPH": os.fspath(store.directory),
        "SPARQL_QUERY_URL": store.query_url,
        "SPARQL_UPDATE_URL": store.update_url,
    }


def check_port_free(host: str, port: int) -> None:
    """PortInUse, naming the settings that move the service, when something already listens on host:port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"port {port} on {host} is in use: stop what holds it, or serve on another port "
                    "with --port or KGQA_PORT"
                ) from None
            raise KGError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def close_pool_at_exit(app: Flask) -> Flask:
    """`app`, its query processes to be stopped when this process ends. A granian worker is a multiprocessing
    child: it leaves without running atexit (where the pool would close itself) but first joins its own children,
    so a worker that had run a query would wait for its query processes until killed."""
    pool = app.extensions[EXTENSION].pool
    if pool is not None:
        multiprocessing.util.Finalize(pool, pool.close, exitpriority=10)
    return app


# --- granian ---------------------------------------------------------------------------------------------------------


class AppLoader:
    """The app each granian worker serves: the one built before the workers were forked, or after SIGHUP the one
    `reload` built from the store then (the old one stays if the graph cannot be loaded)."""

    def __init__(self, app: Flask, config: dict[str, Any] | None) -> None:
        self.app, self.config = app, config

    def __call__(self) -> Flask:
        """In a new worker: the app, with its query processes stopped when the worker ends."""
        return close_pool_at_exit(self.app)

    def reload(self) -> None:
        try:
            self.app = create_app(self.config)
            keep()
        except KGError as exc:
            self.app.logger.error("SIGHUP: kept the graph being served: %s", exc.message)


def granian_options(app: Flask, serving: Serving) -> dict[str, Any]:
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    timeout = math.ceil(app.config["QUERY_TIMEOUT"])
    return {
        "address": serving.host,
        "port": serving.port,
        "interface": Interfaces.WSGI,
        "workers": serving.workers,
        "blocking_threads": serving.threads,
        "runtime_threads": RUNTIME_THREADS,
        "http": HTTPModes.http1,
        "http1_settings": HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS),
        "respawn_failed_workers": True,
        "workers_kill_timeout": timeout + 5,  # SIGTERM and SIGHUP: requests in flight finish first
    }


def run_granian(loader: AppLoader, serving: Serving) -> None:
    from granian.server import MPServer

    # The workers must be forked (not spawned) to inherit the app; Python 3.14 would default to forkserver.
    multiprocessing.set_start_method("fork", force=True)
    server = MPServer("service.wsgi:app", **granian_options(loader.app, serving))
    server.on_reload(loader.reload)
    server.serve(target_loader=loader, wrap_loader=False)


# --- gunicorn --------------------------------------------------------------------------------------------------------


def gunicorn_options(app: Flask, serving: Serving) -> dict[str, Any]:
    timeout = math.ceil(app.config["QUERY_TIMEOUT"])
    host = serving.host
    return {
        "bind": f"[{host}]:{serving.port}" if ":" in host else f"{host}:{serving.port}",
        "workers": serving.workers,
        "worker_class": "gthread",  # a thread waiting on a query leaves the others answering
        "threads": serving.threads,
        "timeout": timeout + 30,  # a worker waiting on a query is not a stuck worker
        "graceful_timeout": timeout + 5,
        "limit_request_line": MAX_REQUEST_LINE,
        "control_socket_disable": True,  # one shared path in $HOME would clash between servers
    }


def json_error_page(status: int, reason: str, message: str) -> bytes:
    """A whole HTTP response for an error the server finds before the app runs, in the app's JSON shape."""
    body = json.dumps({"error": {"code": code_of(reason), "message": message or reason}}).encode()
    head = [f"HTTP/1.1 {status} {reason}", "Connection: close", "Content-Type: application/json"]
    head += [f"{name}: {value}" for name, value in security_headers().items()]
    head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def write_json_error(sock: socket.socket, status: int, reason: str, message: str) -> None:
    """Replaces gunicorn.util.write_error, the one place gunicorn writes its HTML error pages."""
    from gunicorn.util import write_nonblock

    write_nonblock(sock, json_error_page(status, reason, message))


def run_gunicorn(app: Flask, serving: Serving) -> None:
    import gunicorn.util
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        """gunicorn serving the app built here, with options from a dict instead of the command line."""

        def load_config(self) -> None:
            for key, value in gunicorn_options(app, serving).items():
                if key in self.cfg.settings:  # gunicorn before 27 has no control socket to disable
                    self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    writer: Callable[..., None] = write_json_error
    gunicorn.util.write_error = writer
    Server().run()
