"""Ingest's settings, declared as data: each has a default and is overridden by the environment variable
KGQA_<NAME> (the service declares its own in service/settings.py)."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

ENV_PREFIX = "KGQA_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: int
    help: str


@dataclass(frozen=True)
class TextSetting:
    name: str
    default: str
    help: str


MAX_NOTE_BYTES = Setting(
    "MAX_NOTE_BYTES", 20_000_000, "largest note file ingest reads, in bytes (larger ones are refused)"
)

SCHEDULER = TextSetting(
    "SCHEDULER",
    "",
    "address of a running Dask scheduler (tcp://host:8786) that extracts the notes; empty: local processes",
)


def value(setting: Setting, environ: Mapping[str, str] = os.environ) -> int:
    """The setting's value: KGQA_<NAME> when set (a positive whole number), else its default."""
    raw = environ.get(ENV_PREFIX + setting.name)
    if raw is None:
        return setting.default
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number <= 0:
        raise ValueError(f"{ENV_PREFIX}{setting.name} must be a whole number above 0, not {raw!r}")
    return number


def text(setting: TextSetting, environ: Mapping[str, str] = os.environ) -> str:
    """The setting's value: KGQA_<NAME> when set, else its default."""
    return environ.get(ENV_PREFIX + setting.name, setting.default).strip()
