"""The sandbox a query process runs in: an audit hook that refuses file, network and process events, an
address-space limit, and a seccomp filter by which the kernel refuses every socket but a Unix one, so that no
code in the process (Oxigraph's native SERVICE client included) can reach the network. Installed in each child
of kg.pool before it answers anything."""

import ctypes
import errno
import os
import platform
import resource
import socket
import struct
import sys
from typing import Any

DENIED_EVENTS = frozenset(
    {
        "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "socket.bind",
        "urllib.Request", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    }
)  # fmt: skip
MODULE_SUFFIXES = (".py", ".pyc", ".so")  # a lazy import may still read these
denied: list[str] = []  # the events refused in this (child) process


def audit(event: str, args: tuple[Any, ...]) -> None:
    if (
        event in DENIED_EVENTS
        or (event == "open" and not harmless_open(args))
        or (event == "socket.__new__" and len(args) > 1 and args[1] != socket.AF_UNIX)
    ):
        denied.append(event)
        raise PermissionError(f"{event} is not allowed while a query runs")


def harmless_open(args: tuple[Any, ...]) -> bool:
    path = args[0] if args else None
    return isinstance(path, int) or (isinstance(path, str | bytes) and os.fsdecode(path).endswith(MODULE_SUFFIXES))


def limit_memory(extra_bytes: int) -> None:
    """Let the address space grow by at most `extra_bytes` beyond what the fork inherited (on Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc: no limit
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = size + extra_bytes if hard == resource.RLIM_INFINITY else min(size + extra_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


# ------------------------------------------------------------------------------------------------ seccomp

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1  # every thread of the process, not just the caller
_RET_ALLOW = 0x7FFF0000
_RET_DENY = 0x00050000 | errno.EPERM  # SECCOMP_RET_ERRNO: the call fails with EPERM
_AF_UNIX = 1
_X32_BIT = 0x40000000
# machine -> (AUDIT_ARCH_*, seccomp, socket, io_uring_setup) from <linux/audit.h> and the syscall tables
_ARCHES = {
    "x86_64": (0xC000003E, 317, 41, 425),
    "aarch64": (0xC00000B7, 277, 198, 425),
}
# classic BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def socket_filter(arch: int, socket_nr: int, io_uring_nr: int) -> bytes:
    """A seccomp program: socket() is allowed for AF_UNIX only, io_uring (which can open sockets without
    calling socket()) not at all, and any call made through another ABI (i386, x32) is refused."""
    return b"".join(
        [
            _op(_LD_W_ABS, 4),  # seccomp_data.arch
            _op(_JEQ_K, arch, jt=1),
            _op(_RET_K, _RET_DENY),
            _op(_LD_W_ABS, 0),  # seccomp_data.nr
            _op(_JGE_K, _X32_BIT, jt=5),
            _op(_JEQ_K, io_uring_nr, jt=4),
            _op(_JEQ_K, socket_nr, jf=2),
            _op(_LD_W_ABS, 16),  # the low half of seccomp_data.args[0]: the address family
            _op(_JEQ_K, _AF_UNIX, jf=1),
            _op(_RET_K, _RET_ALLOW),
            _op(_RET_K, _RET_DENY),
        ]
    )


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def deny_network() -> bool:
    """Have the kernel refuse every socket but a Unix one to this process and its threads, for good; False
    where there is no seccomp (not Linux, or a machine the filter does not know). OSError if it fails."""
    arches = _ARCHES.get(platform.machine())
    if not sys.platform.startswith("linux") or arches is None:
        return False
    arch, seccomp_nr, socket_nr, io_uring_nr = arches
    code = socket_filter(arch, socket_nr, io_uring_nr)
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _Program(len(code) // 8, ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    libc.syscall.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_long, ctypes.c_void_p]
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.syscall(seccomp_nr, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.addressof(program)):
        raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER) failed")
    return True
