"""IRI references checked against RFC 3987's syntax, no looser than the engine's own check.

The screen must know that every IRI it lets through is one the engine accepts too: when Oxigraph's parser finds
an IRI invalid it backtracks and reads the same characters another way. So an IRI that fails here is refused.
"""

import ipaddress
import re
from functools import lru_cache

_UCS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd\U00040000-\U0004fffd"
    "\U00050000-\U0005fffd\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
    "\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    "\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PCT = "%[0-9A-Fa-f]{2}"
_UNRESERVED = f"[A-Za-z0-9\\-._~{_UCS}]"
_SUB = "[!$&'()*+,;=]"
_PCHAR = f"(?:{_UNRESERVED}|{_PCT}|{_SUB}|[:@])"
_SEGMENT_NC = f"(?:{_UNRESERVED}|{_PCT}|{_SUB}|@)"  # a first segment without a colon
IRI_REFERENCE = re.compile(
    rf"""
    (?:(?P<scheme>[A-Za-z][A-Za-z0-9+\-.]*):)?
    (?://(?P<authority>(?:{_UNRESERVED}|{_PCT}|{_SUB}|[:@\[\]])*))?
    (?P<path>(?:{_PCHAR}|/)*)
    (?:\?(?:{_PCHAR}|[/?{_PRIVATE}])*)?
    (?:\#(?:{_PCHAR}|[/?])*)?
    """,
    re.VERBOSE,
)
_AUTHORITY = re.compile(
    rf"(?:(?:{_UNRESERVED}|{_PCT}|{_SUB}|:)*@)?"
    rf"(?P<host>\[[^\[\]]*\]|(?:{_UNRESERVED}|{_PCT}|{_SUB})*)"
    r"(?::[0-9]*)?"
)
_FIRST_SEGMENT = re.compile(f"{_SEGMENT_NC}*")


@lru_cache(maxsize=4096)
def is_iri_reference(text: str) -> bool:
    """Whether `text` is an IRI or a relative reference by RFC 3987."""
    found = IRI_REFERENCE.fullmatch(text)
    if found is None:
        return False
    authority, path = found.group("authority"), found.group("path")
    if authority is not None:
        return _valid_authority(authority) and (not path or path.startswith("/"))
    if found.group("scheme") is None and not path.startswith("/"):
        first = path.split("/", 1)[0]
        return _FIRST_SEGMENT.fullmatch(first) is not None  # else its colon would make it a scheme
    return not path.startswith("//")


def _valid_authority(authority: str) -> bool:
    found = _AUTHORITY.fullmatch(authority)
    if found is None:
        return False
    host = found.group("host")
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
    return True


def scheme_of(text: str) -> str | None:
    """The lower-cased scheme of an IRI reference, or None for a relative one."""
    found = IRI_REFERENCE.match(text)
    scheme = found.group("scheme") if found else None
    return scheme.lower() if scheme else None
