"""Where the project's data, the default graph (inside the project; git-ignored) and the cache of derived tables
live."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
ONTOLOGY_FILE = DATA_DIR / "ontology.ttl"
GAZETTEER_FILE = DATA_DIR / "gazetteer.toml"
SOURCES_DIR = DATA_DIR / "sources"
DEFAULT_GRAPH_DIR = PROJECT_ROOT / ".kgqa" / "graph"


def graph_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The graph directory: an explicit `--graph DIR`, else `KGQA_GRAPH`, else the project default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("KGQA_GRAPH")
    return Path(env) if env else DEFAULT_GRAPH_DIR


def cache_dir() -> Path:
    """Where tables derived from data files are kept between processes: `KGQA_CACHE_DIR`, else the user's cache
    directory (`$XDG_CACHE_HOME/kgqa`, `~/.cache/kgqa`)."""
    env = os.environ.get("KGQA_CACHE_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kgqa"
