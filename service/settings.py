"""The service's settings, declared as data: each has a default, is overridden by the environment
variable KGQA_<NAME>, and that by the config mapping given to create_app."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ENV_PREFIX = "KGQA_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | int | float
    help: str


SETTINGS = (
    Setting("STORE", "memory", "where the graph lives: memory (graph.nq), oxigraph (on disk) or sparql (a server)"),
    Setting("GRAPH", "", "graph directory of the memory and oxigraph stores (empty: .kgqa/graph in the project)"),
    Setting("SPARQL_QUERY_URL", "", "the sparql store's query endpoint, such as http://localhost:7878/query"),
    Setting("SPARQL_UPDATE_URL", "", "the sparql store's update endpoint (needed only to ingest)"),
    Setting("QUERY_TIMEOUT", 5.0, "seconds a SPARQL query may run before it is stopped with 503"),
    Setting("QUERY_MEMORY", 1_000_000_000, "bytes of memory a SPARQL query may add before it is stopped with 503"),
    Setting("QUERY_PROCESSES", 4, "sandboxed processes per server worker that run SPARQL queries (one query each)"),
    Setting(
        "QUERY_CACHE_ENTRIES", 4096, "whole SPARQL answers kept per server worker, so a repeated query skips the pool"
    ),
    Setting("QUERY_CACHE_BYTES", 64_000_000, "bytes of SPARQL answers (and their query texts) kept per server worker"),
    Setting("ROW_CAP", 10_000, "most rows a SELECT query returns; the response says when rows were cut"),
    Setting("MAX_BODY", 2_000_000, "request bodies must be smaller than this many bytes, else 413"),
    Setting("MAX_DEPTH", 3, "deepest neighbourhood /api/graph returns"),
    Setting("MAX_QUESTION", 1_000, "longest question /api/ask takes, in characters"),
    Setting("CORS_ORIGIN", "*", "the Access-Control-Allow-Origin of /sparql, for browser clients such as YASGUI"),
)


def resolve(config: Mapping[str, Any] | None = None, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Every setting's value: the default, else KGQA_<NAME> from the environment, else `config`; other
    keys of `config` (TESTING, ...) pass through."""
    config = dict(config or {})
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw: Any = setting.default
        origin = "default"
        if ENV_PREFIX + setting.name in environ:
            raw, origin = environ[ENV_PREFIX + setting.name], ENV_PREFIX + setting.name
        if setting.name in config:
            raw, origin = config.pop(setting.name), f"config {setting.name}"
        values[setting.name] = _coerce(setting, raw, origin)
    return {**config, **values}


def _coerce(setting: Setting, raw: Any, origin: str) -> str | int | float:
    if isinstance(setting.default, str):
        return str(raw)
    kind = type(setting.default)
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{origin} must be a {kind.__name__}, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{origin} must be more than 0, not {raw!r}")
    return value
