"""A pool of pre-forked, sandboxed children that answer requests one at a time, each within a time limit.

Forking a child per query costs milliseconds; a pool child is forked once (lazily, with multiprocessing's
"fork" context, so it shares the parent's memory copy-on-write), runs `setup()` to get its handler, installs
the sandbox of kg.sandbox (address-space limit, no sockets but Unix ones, audit hook) and then answers request
after request over its pipe. The parent kills a child that overruns its time, died or ran out of memory, and
forks a replacement when next needed.

The pool belongs to the process that made its children: after a fork (gunicorn forks its workers after the
app is built) the new process forgets the parent's children and forks its own. Children never outlive the
pool's process: the pool is closed when it is collected or at exit, an idle child exits when its pipe closes,
and on Linux a busy one when its parent process ends.
"""

import contextlib
import ctypes
import math
import multiprocessing
import multiprocessing.process
import os
import pickle
import select
import signal
import stat
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any, Generic, TypeVar, cast

from kg.errors import Forbidden, KGError, QueryTimeout, QueryTooLarge
from kg.sandbox import audit, denied, deny_network, limit_memory

Req = TypeVar("Req")
Resp = TypeVar("Resp")
T = TypeVar("T")
Message = tuple[str, Any]  # ("ok", value) or ("error", KGError)

_CONTEXT = multiprocessing.get_context("fork")
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_PARENT_GONE = signal.SIGUSR2  # what the kernel sends a busy child when its parent ends
_MAX_POLL_MS = 2**31 - 1


def _died() -> KGError:
    return KGError("the query process died before it answered")


class IsolatedPool(Generic[Req, Resp]):
    """Up to `size` sandboxed children, each running the handler that `setup()` returned in it.

    `call` is thread-safe: each call takes an idle child (forking one while fewer than `size` live), waiting
    at most `timeout_s` for one to come free, then waits at most `timeout_s` for the answer.
    """

    def __init__(
        self, setup: Callable[[], Callable[[Req], Resp]], *, size: int, memory_bytes: int | None = None
    ) -> None:
        if size < 1:
            raise ValueError("an IsolatedPool needs a size of at least 1")
        self._setup = setup
        self._memory_bytes = memory_bytes
        self._children = _Children(size)
        self._finalizer = weakref.finalize(self, self._children.stop)  # also at exit

    def call(self, request: Req, *, timeout_s: float) -> Resp:
        """The handler's answer to `request` from a child, or the KGError it raised there. QueryTimeout when
        no child comes free or the answer does not come within `timeout_s`; the child is then killed."""
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        child = self._take(timeout_s)
        try:
            outcome, value = child.ask(payload, timeout_s)
        except BaseException:
            self._children.discard(child)
            raise
        if outcome == "error" and isinstance(value, QueryTooLarge):
            self._children.discard(child)  # its heap may be fragmented: a fresh child next time
        else:
            self._children.release(child)
        if outcome == "error":
            raise value
        return cast(Resp, value)

    def close(self) -> None:
        """Kill and reap every child; later calls raise KGError."""
        self._finalizer()

    @property
    def pids(self) -> tuple[int, ...]:
        """The process ids of this process's live children (idle, busy or starting)."""
        return self._children.pids()

    def _take(self, timeout_s: float) -> "_Child":
        """An idle child that is still alive, or a new one."""
        self._children.ensure_own()
        deadline = time.monotonic() + timeout_s
        while True:
            child = self._children.acquire(deadline, timeout_s)
            if child is None:
                return self._spawn(timeout_s)
            if not child.stale():
                return child
            self._children.discard(child)  # it died while idle: nobody's query is lost

    def _spawn(self, timeout_s: float) -> "_Child":
        """Fork a child into the slot `acquire` reserved and wait for its setup; KGError if that fails."""
        try:
            child = _Child.start(self._setup, self._memory_bytes)
        except BaseException as exc:
            self._children.started(None)
            if isinstance(exc, OSError):  # e.g. fork: EAGAIN
                raise KGError("cannot start a query process now") from exc
            raise
        self._children.started(child)
        try:
            outcome, value = child.answer(timeout_s, f"the query process did not start within {timeout_s:g} s")
        except BaseException:
            self._children.discard(child)
            raise
        if outcome == "error":
            self._children.discard(child)
            raise value
        return child


class _Waiter:
    """A call waiting for a child: it is handed one (or, as None, a slot to fork one into)."""

    __slots__ = ("child", "event")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.child: _Child | None = None

    def grant(self, child: "_Child | None") -> None:
        self.child = child
        self.event.set()


class _Children:
    """One pool's children in this process; all its fields are guarded by `lock`. Waiters are served first
    come, first served, so a busy caller cannot starve another."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.closed = False
        self._reset()
        _ALL.add(self)

    def _reset(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.live: set[_Child] = set()  # idle, busy and starting
        self.idle: list[_Child] = []
        self.starting = 0  # slots reserved for children being forked
        self.waiters: deque[_Waiter] = deque()

    def ensure_own(self) -> None:
        """Forget children forked by another process (the at-fork hook does so unless C code forked)."""
        if self.pid != os.getpid():
            self.forget()

    def forget(self) -> None:
        """In a forked process: drop the parent's children without touching them, and start afresh."""
        for child in self.live:
            child.disown()
        self._reset()

    def acquire(self, deadline: float, timeout_s: float) -> "_Child | None":
        """An idle child, or None with a slot reserved to fork one into; QueryTimeout at `deadline`."""
        with self.lock:
            self._check_open()
            if self.idle:
                return self.idle.pop()  # the most recently used: its memory is warm
            if len(self.live) + self.starting < self.size:
                self.starting += 1
                return None
            waiter = _Waiter()
            self.waiters.append(waiter)
        waiter.event.wait(max(0.0, deadline - time.monotonic()))
        with self.lock:
            self._check_open()
            if not waiter.event.is_set():
                self.waiters.remove(waiter)
                raise QueryTimeout(f"no query process was free within {timeout_s:g} s")
            return waiter.child

    def started(self, child: "_Child | None") -> None:
        """A reserved slot now holds `child`, or is free again (None: the fork failed)."""
        with self.lock:
            self.starting -= 1
            if child is None:
                self._vacated()
                return
            if not self.closed:
                self.live.add(child)
                return
        child.stop()  # close() came first
        self._check_open()

    def release(self, child: "_Child") -> None:
        """`child` answered and is idle: hand it to the first waiter, if any."""
        with self.lock:
            mine = child in self.live
            if mine and self.waiters:
                self.waiters.popleft().grant(child)
            elif mine:
                self.idle.append(child)
        if not mine:
            child.conn.close()  # close() killed and reaped it after it answered

    def discard(self, child: "_Child") -> None:
        """Kill and reap `child` (unless close() took it first), then free its slot."""
        with self.lock:
            mine = child in self.live
            self.live.discard(child)
        if not mine:
            child.conn.close()  # close() killed and reaped it while it was busy with our request
            return
        child.stop()
        with self.lock:
            self._vacated()

    def _vacated(self) -> None:
        if self.waiters and not self.closed:
            self.starting += 1
            self.waiters.popleft().grant(None)

    def _check_open(self) -> None:
        if self.closed:
            raise KGError("the query pool is closed")

    def pids(self) -> tuple[int, ...]:
        with self.lock:
            return tuple(child.pid for child in self.live)

    def stop(self) -> None:
        """Close: kill and reap every child of this process and wake every waiter."""
        self.ensure_own()
        with self.lock:
            self.closed = True
            idle, busy = self.idle, self.live.difference(self.idle)
            self.live, self.idle = set(), []
            waiters, self.waiters = list(self.waiters), deque()
        for waiter in waiters:
            waiter.grant(None)
        for child in idle:
            child.stop()
        for child in busy:  # their callers close their pipes, as they may be polling them now
            child.kill()


_ALL: "weakref.WeakSet[_Children]" = weakref.WeakSet()


def _forget_all_after_fork() -> None:
    for children in list(_ALL):
        children.forget()


os.register_at_fork(after_in_child=_forget_all_after_fork)


class _Child:
    """The parent's handle on one child: its process and the parent's end of their pipe."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.pid = cast(int, process.pid)
        self._fd = conn.fileno()
        self._poller = select.poll()
        self._poller.register(self._fd, select.POLLIN)
        self._poller.register(process.sentinel, select.POLLIN)  # readable once the child has exited

    @classmethod
    def start(cls, setup: Callable[[], Callable[[Any], Any]], memory_bytes: int | None) -> "_Child":
        parent_end, child_end = _CONTEXT.Pipe()
        args = (child_end, parent_end, setup, memory_bytes, os.getpid())
        process = _CONTEXT.Process(target=_serve, args=args, name="kgqa-query", daemon=True)
        try:
            process.start()
        except BaseException:
            parent_end.close()
            raise
        finally:
            child_end.close()
        return cls(process, parent_end)

    def ask(self, payload: bytes, timeout_s: float) -> Message:
        """Send a pickled request and wait for the answer."""
        try:
            self.conn.send_bytes(payload)
        except OSError:
            raise _died() from None
        return self.answer(timeout_s, f"the query ran longer than {timeout_s:g} s and was stopped")

    def answer(self, timeout_s: float, late: str) -> Message:
        """The child's next message; QueryTimeout(late) if it has sent none within `timeout_s`."""
        ready = {fd for fd, _ in self._poller.poll(min(_MAX_POLL_MS, max(0, math.ceil(timeout_s * 1000))))}
        if not ready:
            raise QueryTimeout(late)
        if self._fd not in ready:
            raise _died()
        try:
            payload = self.conn.recv_bytes()
        except (EOFError, OSError):
            raise _died() from None
        try:
            return cast(Message, pickle.loads(payload))
        except Exception as exc:  # e.g. an exception class whose __init__ cannot be called again
            raise KGError(
                f"the query process sent an answer that cannot be read: {type(exc).__name__}: {exc}"
            ) from None

    def stale(self) -> bool:
        """An idle child has nothing to say: anything readable means it died (EOF)."""
        return bool(self._poller.poll(0))

    def kill(self) -> None:
        """Kill and reap the child."""
        self.process.kill()
        self.process.join()

    def stop(self) -> None:
        """Kill and reap the child; close its pipe and sentinel."""
        self.kill()
        self.process.close()
        self.conn.close()

    def disown(self) -> None:
        """In a forked process: close our copy of the pipe and keep multiprocessing from reaping the child."""
        self.conn.close()
        children = getattr(multiprocessing.process, "_children", None)  # or its atexit would kill the child
        if isinstance(children, set):
            children.discard(self.process)


# ---------------------------------------------------------------------------------------------- the child


def outcome(task: Callable[[], T]) -> Message:
    """("ok", task()) or ("error", KGError) as the parent is to see it: MemoryError becomes QueryTooLarge,
    another Exception a KGError that names it, and any event the audit hook refused Forbidden, even if the
    task caught the refusal."""
    denied.clear()
    message: Message
    try:
        message = ("ok", task())
    except MemoryError:
        message = ("error", QueryTooLarge("the query needed more memory than it may use and was stopped"))
    except KGError as exc:
        message = ("error", exc)
    except Exception as exc:
        message = ("error", KGError(f"the query process failed: {type(exc).__name__}"))  # its text may name files
    if denied:
        message = ("error", Forbidden(f"the query tried something not allowed here ({denied[0]})"))
    return message


def _serve(
    conn: Connection,
    parent_end: Connection,
    setup: Callable[[], Callable[[Any], Any]],
    memory_bytes: int | None,
    parent_pid: int,
) -> None:
    """The child: set up, report ready (or why not), then answer requests until the pipe closes."""
    parent_end.close()
    _drop_inherited_sockets(keep=conn.fileno())
    _exit_with_parent(parent_pid)
    started = outcome(partial(_start, setup, memory_bytes))
    if not _send(conn, ("ok", None) if started[0] == "ok" else started) or started[0] != "ok":
        return
    handler = started[1]
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):  # the parent closed the pool or is gone
            return
        if not _send(conn, outcome(partial(_handle, handler, payload))):
            return


def _start(setup: Callable[[], Callable[[Any], Any]], memory_bytes: int | None) -> Callable[[Any], Any]:
    """The handler, with the sandbox installed after setup (which may open files): the memory limit, the
    kernel's refusal of every socket but a Unix one (on Linux), and the audit hook."""
    handler = setup()
    if memory_bytes:
        limit_memory(memory_bytes)
    try:
        deny_network()
    except OSError:
        raise KGError("the query process cannot be sandboxed: seccomp is not available") from None
    sys.addaudithook(audit)
    return handler


def _handle(handler: Callable[[Any], Any], payload: bytes) -> Any:
    return handler(pickle.loads(payload))


def _send(conn: Connection, message: Message) -> bool:
    """Send `message` (an error if it cannot be pickled); False if the parent is gone."""
    try:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("error", QueryTooLarge("the query's answer needed more memory than it may use")))
    except Exception as exc:
        error = KGError(f"the query process cannot send its answer: {type(exc).__name__}: {exc}")
        payload = pickle.dumps(("error", error))
    try:
        conn.send_bytes(payload)
    except OSError:
        return False
    return True


def _drop_inherited_sockets(keep: int) -> None:
    """Point every inherited socket but `keep` at /dev/null (Linux): the child must not hold the parent's
    client connections open (their peers would never see them close), nor another child's pipe, nor be
    able to write to any of them. The descriptors stay taken, so Python objects that own them stay safe."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in fds:
            if fd > 2 and fd not in (keep, null) and _is_socket(fd):
                os.dup2(null, fd)
    finally:
        os.close(null)


def _is_socket(fd: int) -> bool:
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False


def _exit_with_parent(parent_pid: int) -> None:
    """On Linux, end this child when its parent process ends, even in the middle of a query. The kernel
    signals when the *thread* that forked the child ends, so the child exits only if its parent changed."""
    if not sys.platform.startswith("linux"):
        return

    def on_parent_gone(signum: int, frame: FrameType | None) -> None:
        if os.getppid() != parent_pid:
            os._exit(1)

    with contextlib.suppress(OSError, AttributeError, ValueError):
        signal.signal(_PARENT_GONE, on_parent_gone)
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(_PARENT_GONE), 0, 0, 0)
    if os.getppid() != parent_pid:  # it ended before prctl took effect
        os._exit(1)
