"""A pool of pre-forked, sandboxed children that answer requests one at a time, each within a time limit.

Forking a child per query costs milliseconds; a pool child is forked once (lazily, with multiprocessing's
"fork" context, so it shares the parent's memory copy-on-write), runs `setup()` to get its handler, installs
the sandbox of kg.sandbox (address-space limit, no sockets but Unix ones, audit hook) and then answers request
after request over its pipe. The parent kills a child that overruns its time, died or ran out of memory, and
forks a replacement when next needed.

Messages over the pipe are framed bytes: a tag byte, then a pickled value or raw body bytes. A handler may
return `Streamed(head, produce)`: the child sends the small head, then the bytes `produce` writes, in chunks,
and the parent's `call` returns a `Stream` whose chunks are read as they are consumed, so no answer is held
whole in the parent or pickled. One deadline covers the whole call: waiting for a free child, the answer and
every chunk of its body. When every child is busy and as many calls already wait, a call is refused at once.

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
from dataclasses import dataclass
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


# Frames (the first byte of each message): a pickled Message, a streamed answer's head with its first body
# bytes (H: the whole body), a further chunk, the last chunk, or a pickled KGError raised mid-stream.
_VALUE, _HEAD, _WHOLE, _CHUNK, _LAST, _FAILED = b"v", b"h", b"H", b"c", b"e", b"x"
_HEAD_LENGTH = 4  # bytes of the pickled head's length, after the tag of a head frame
CHUNK_BYTES = 256 * 1024  # a streamed body is sent in chunks of about this size


def _died() -> KGError:
    return KGError("the query process died before it answered")


class PoolBusy(QueryTimeout):
    """Every query process is busy and as many calls already wait for one."""

    code = "busy"


@dataclass(frozen=True)
class Streamed:
    """What a handler returns to stream its answer: a small picklable head, then whatever `produce` writes
    (a `write(bytes)` callable is passed to it). KGErrors that `produce` raises before about CHUNK_BYTES are
    written still reach the caller as errors."""

    head: Any
    produce: Callable[[Callable[[bytes], object]], None]


@dataclass(frozen=True)
class Stream:
    """A streamed answer in the parent: its head and its body's chunks: a tuple when the body came whole
    with the head, else read from the child as they are consumed, within the call's deadline. Consume or
    close `chunks`: the child stays busy until then."""

    head: Any
    chunks: "tuple[bytes] | _Body"


class IsolatedPool(Generic[Req, Resp]):
    """Up to `size` sandboxed children, each running the handler that `setup()` returned in it.

    `call` is thread-safe: each call takes an idle child (forking one while fewer than `size` live) and gets
    its answer, all within one time limit; while every child is busy, calls wait for one in turn, and if
    `max_waiting` calls already wait, a further call is refused at once with PoolBusy.
    """

    def __init__(
        self,
        setup: Callable[[], Callable[[Req], Resp]],
        *,
        size: int,
        memory_bytes: int | None = None,
        max_waiting: int | None = None,
    ) -> None:
        if size < 1:
            raise ValueError("an IsolatedPool needs a size of at least 1")
        self._setup = setup
        self._memory_bytes = memory_bytes
        self._children = _Children(size, max_waiting)
        self._finalizer = weakref.finalize(self, self._children.stop)  # also at exit

    def call(self, request: Req, *, timeout_s: float) -> Resp:
        """The handler's answer to `request` from a child (a `Stream` if the handler returned `Streamed`), or
        the KGError it raised there. QueryTimeout when no child comes free, or the answer (with every chunk
        of a streamed body) does not come, within `timeout_s` of the call; the child is then killed."""
        deadline = time.monotonic() + timeout_s
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        child = self._take(deadline, timeout_s)
        late = f"the query ran longer than {timeout_s:g} s and was stopped"
        try:
            frame = child.ask(payload, deadline, late)
        except BaseException:
            self._children.discard(child)
            raise
        try:
            if frame[:1] in (_HEAD, _WHOLE):
                return cast(Resp, self._stream(child, frame, deadline, late))
            outcome, value = _message(frame)
        except KGError:
            self._children.discard(child)
            raise
        if outcome == "error" and isinstance(value, QueryTooLarge):
            self._children.discard(child)  # its heap may be fragmented: a fresh child next time
        else:
            self._children.release(child)
        if outcome == "error":
            raise value
        return cast(Resp, value)

    def _stream(self, child: "_Child", frame: bytes, deadline: float, late: str) -> Stream:
        end = 1 + _HEAD_LENGTH + int.from_bytes(frame[1 : 1 + _HEAD_LENGTH], "big")
        try:
            head = pickle.loads(frame[1 + _HEAD_LENGTH : end])
        except Exception as exc:
            raise KGError(f"the query process sent a head that cannot be read: {type(exc).__name__}") from None
        if frame[:1] == _WHOLE:
            self._children.release(child)
            return Stream(head, (frame[end:],))
        return Stream(head, _Body(self._children, child, frame[end:], deadline, late))

    def close(self) -> None:
        """Kill and reap every child; later calls raise KGError."""
        self._finalizer()

    @property
    def pids(self) -> tuple[int, ...]:
        """The process ids of this process's live children (idle, busy or starting)."""
        return self._children.pids()

    def _take(self, deadline: float, timeout_s: float) -> "_Child":
        """An idle child that is still alive, or a new one, by `deadline`."""
        self._children.ensure_own()
        while True:
            child = self._children.acquire(deadline, timeout_s)
            if child is None:
                return self._spawn(deadline, timeout_s)
            if not child.stale():
                return child
            self._children.discard(child)  # it died while idle: nobody's query is lost

    def _spawn(self, deadline: float, timeout_s: float) -> "_Child":
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
            frame = child.answer(deadline, f"the query process did not start within {timeout_s:g} s")
            outcome, value = _message(frame)
        except BaseException:
            self._children.discard(child)
            raise
        if outcome == "error":
            self._children.discard(child)
            raise value
        return child


class _Body:
    """A streamed body's chunks as the child sends them: the child is released after the last one, and
    killed if the body runs late, fails, or is closed or dropped before its end."""

    def __init__(self, children: "_Children", child: "_Child", first: bytes, deadline: float, late: str) -> None:
        self._children, self._child = children, child
        self._next: bytes | None = first
        self._deadline, self._late = deadline, late
        self._open = True

    def __iter__(self) -> "_Body":
        return self

    def __next__(self) -> bytes:
        if self._next is not None:
            chunk, self._next = self._next, None
            return chunk
        if not self._open:
            raise StopIteration
        try:
            frame = self._child.answer(self._deadline, self._late)
        except BaseException:
            self.close()
            raise
        tag = frame[:1]
        if tag == _LAST:
            self._open = False
            self._children.release(self._child)
            return frame[1:]
        if tag == _CHUNK:
            return frame[1:]
        self.close()
        raise _message(frame)[1] if tag == _FAILED else _died()

    def close(self) -> None:
        """Stop reading: a child still sending is killed and replaced."""
        if self._open:
            self._open = False
            self._next = None
            self._children.discard(self._child)

    def __del__(self) -> None:
        self.close()


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

    def __init__(self, size: int, max_waiting: int | None) -> None:
        self.size = size
        self.max_waiting = max_waiting
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
        """An idle child, or None with a slot reserved to fork one into; PoolBusy at once if `max_waiting`
        calls already wait, QueryTimeout at `deadline`."""
        with self.lock:
            self._check_open()
            if self.idle:
                return self.idle.pop()  # the most recently used: its memory is warm
            if len(self.live) + self.starting < self.size:
                self.starting += 1
                return None
            if self.max_waiting is not None and len(self.waiters) >= self.max_waiting:
                raise PoolBusy("every query process is busy: try again shortly")
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

    def ask(self, payload: bytes, deadline: float, late: str) -> bytes:
        """Send a pickled request and wait for the first frame of the answer."""
        try:
            self.conn.send_bytes(payload)
        except OSError:
            raise _died() from None
        return self.answer(deadline, late)

    def answer(self, deadline: float, late: str) -> bytes:
        """The child's next frame; QueryTimeout(late) if it has sent none by `deadline`."""
        wait_ms = min(_MAX_POLL_MS, max(0, math.ceil((deadline - time.monotonic()) * 1000)))
        ready = {fd for fd, _ in self._poller.poll(wait_ms)}
        if not ready:
            raise QueryTimeout(late)
        if self._fd not in ready:
            raise _died()
        try:
            return self.conn.recv_bytes()
        except (EOFError, OSError):
            raise _died() from None

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


def _message(frame: bytes) -> Message:
    """The pickled Message of a value frame, or the KGError of a failed stream, as ("error", KGError)."""
    try:
        value = pickle.loads(frame[1:])
    except Exception as exc:  # e.g. an exception class whose __init__ cannot be called again
        raise KGError(f"the query process sent an answer that cannot be read: {type(exc).__name__}: {exc}") from None
    return ("error", value) if frame[:1] == _FAILED else cast(Message, value)


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
        message = outcome(partial(_handle, handler, payload))
        if message[0] == "ok" and isinstance(message[1], Streamed):
            if not _send_stream(conn, message[1]):
                return
        elif not _send(conn, message):
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
    return _send_frame(conn, _VALUE + payload)


def _send_frame(conn: Connection, frame: bytes | bytearray) -> bool:
    try:
        conn.send_bytes(frame)
    except OSError:
        return False
    return True


class _FrameWriter:
    """Writes a streamed body to the parent: the head with the first chunk, then chunks, then the last."""

    def __init__(self, conn: Connection, head: Any) -> None:
        self.conn = conn
        pickled = pickle.dumps(head, protocol=pickle.HIGHEST_PROTOCOL)
        self.head: bytes | None = len(pickled).to_bytes(_HEAD_LENGTH, "big") + pickled
        self.buffer = bytearray()
        self.gone = False  # the parent closed the pipe

    @property
    def started(self) -> bool:
        return self.head is None

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK_BYTES:
            self.flush(last=False)
        return len(data)

    def flush(self, *, last: bool) -> None:
        if self.head is not None:
            frame = (_WHOLE if last else _HEAD) + self.head + self.buffer
            self.head = None
        else:
            frame = (_LAST if last else _CHUNK) + self.buffer
        self.buffer = bytearray()
        if not _send_frame(self.conn, frame):
            self.gone = True
            raise BrokenPipeError("the parent stopped reading")


def _send_stream(conn: Connection, streamed: Streamed) -> bool:
    """Send a streamed answer; an error raised before the first frame went is sent as a plain error, after
    it as a failed-stream frame. False if the parent is gone."""
    writer = _FrameWriter(conn, streamed.head)
    message = outcome(partial(_produce, streamed, writer))
    if writer.gone:
        return False
    if message[0] == "error" and not writer.started:
        return _send(conn, message)
    if message[0] == "error":
        return _send_frame(conn, _FAILED + pickle.dumps(message[1], protocol=pickle.HIGHEST_PROTOCOL))
    return True


def _produce(streamed: Streamed, writer: _FrameWriter) -> None:
    streamed.produce(writer.write)
    writer.flush(last=True)


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
