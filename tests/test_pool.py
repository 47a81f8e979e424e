"""kg.pool: pre-forked sandboxed children answer requests, time out, run out of memory, die and are replaced."""

import ctypes
import errno
import gc
import multiprocessing
import os
import platform
import signal
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from waiting import eventually

from kg.errors import BadQuery, Forbidden, GraphUnavailable, KGError, NotFound, QueryTimeout, QueryTooLarge
from kg.pool import CHUNK_BYTES, IsolatedPool, PoolBusy, Stream, Streamed

Request = tuple[Any, ...]
Pool = IsolatedPool[Request, Any]
FORK = multiprocessing.get_context("fork")
MEMORY = 256 * 1024 * 1024


def _raise(exc: BaseException) -> None:
    raise exc


def _open(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except PermissionError:
        return "caught"


def _connect(port: int) -> str:
    try:
        with socket.socket() as sock:
            sock.connect(("127.0.0.1", port))
    except PermissionError:
        return "caught"
    return "connected"


def _native_socket(family: int) -> int:
    """socket() called through libc, past Python's audit hook: the errno, or 0 if a socket was made."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.socket(family, socket.SOCK_STREAM, 0)
    if fd < 0:
        return ctypes.get_errno()
    os.close(fd)
    return 0


def _service(port: int) -> str:
    """Oxigraph's SERVICE client, called directly: its connection is made in native code."""
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    try:
        return str(list(ox.Store().query(query)))
    except OSError as exc:
        return type(exc).__name__


def _sockets() -> int:
    return sum(1 for name in os.listdir("/proc/self/fd") if stat.S_ISSOCK(_mode(int(name))))


def _mode(fd: int) -> int:
    try:
        return os.fstat(fd).st_mode
    except OSError:
        return 0


def _echo(value: Any, delay: float = 0.0) -> Any:
    time.sleep(delay)
    return value


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


OPS: dict[str, Callable[..., Any]] = {
    "echo": _echo,
    "pid": lambda: (os.getpid(), os.getppid()),
    "sleep": _sleep,
    "alloc": lambda n: len(bytearray(n)),
    "raise": _raise,
    "exit": os._exit,
    "open": _open,
    "connect": _connect,
    "native_socket": _native_socket,
    "service": _service,
    "sockets": _sockets,
}


def handle(request: Request) -> Any:
    op, *args = request
    return OPS[op](*args)


def make_pool(size: int = 2) -> Pool:
    return IsolatedPool(lambda: handle, size=size, memory_bytes=MEMORY)


@pytest.fixture
def pool() -> Iterator[Pool]:
    made = make_pool()
    yield made
    made.close()


@pytest.fixture
def solo() -> Iterator[Pool]:
    made = make_pool(size=1)
    yield made
    made.close()


def state_of(pid: int) -> str | None:
    """The process's state letter (R, S, Z, ...); None if there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return None


def gone(pid: int) -> bool:
    """Exited and reaped: not even a zombie is left."""
    return state_of(pid) is None


def dead(pid: int) -> bool:
    return state_of(pid) in (None, "Z", "X")


def child_pid(pool: Pool) -> int:
    pid, _ = pool.call(("pid",), timeout_s=5)
    return int(pid)


def test_a_request_gets_its_answer_from_a_reused_child(solo: Pool) -> None:
    value = {"a": [1, 2.5, "three"], "b": None}
    assert solo.call(("echo", value), timeout_s=5) == value
    pid, ppid = solo.call(("pid",), timeout_s=5)
    assert pid != os.getpid() and ppid == os.getpid()
    assert child_pid(solo) == pid
    assert solo.pids == (pid,)


def test_kg_errors_come_back_with_their_status_and_cost_no_child(solo: Pool) -> None:
    pid = child_pid(solo)
    with pytest.raises(BadQuery, match="no good") as bad:
        solo.call(("raise", BadQuery("no good")), timeout_s=5)
    assert bad.value.status == 400
    with pytest.raises(NotFound) as missing:
        solo.call(("raise", NotFound("nowhere")), timeout_s=5)
    assert missing.value.status == 404
    with pytest.raises(KGError) as teapot:
        solo.call(("raise", KGError("short and stout", status=418, code="teapot")), timeout_s=5)
    assert (teapot.value.status, teapot.value.code, teapot.value.message) == (418, "teapot", "short and stout")
    with pytest.raises(KGError, match=r"^the query process failed: ValueError$") as other:
        solo.call(("raise", ValueError("odd")), timeout_s=5)
    assert type(other.value) is KGError and other.value.status == 500
    assert child_pid(solo) == pid


def test_a_request_over_its_time_is_stopped_and_its_child_replaced(solo: Pool) -> None:
    pid = child_pid(solo)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"^the query ran longer than 0\.3 s and was stopped$") as late:
        solo.call(("sleep", 30), timeout_s=0.3)
    assert time.monotonic() - started < 2
    assert late.value.status == 503
    assert gone(pid)  # killed and reaped
    assert solo.pids == ()
    assert solo.call(("echo", "next"), timeout_s=5) == "next"
    assert child_pid(solo) != pid


def test_a_request_that_needs_too_much_memory_gets_query_too_large(solo: Pool) -> None:
    pid = child_pid(solo)
    with pytest.raises(QueryTooLarge) as large:
        solo.call(("alloc", 4_000_000_000), timeout_s=10)
    assert large.value.status == 503
    assert gone(pid)  # a fresh child next time
    assert solo.call(("alloc", 1_000_000), timeout_s=5) == 1_000_000
    assert child_pid(solo) != pid


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        yield server


def test_the_sandbox_refuses_files_and_connections_even_when_the_handler_catches_it(
    solo: Pool, listener: socket.socket
) -> None:
    with pytest.raises(Forbidden, match=r"\(open\)") as refused:
        solo.call(("open", "/etc/passwd"), timeout_s=5)
    assert refused.value.status == 403
    with pytest.raises(Forbidden, match=r"\(socket\.__new__\)"):
        solo.call(("connect", listener.getsockname()[1]), timeout_s=5)
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody connected
    assert solo.call(("echo", "clean"), timeout_s=5) == "clean"  # the refusals are not held against the next


@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64") or sys.platform != "linux", reason="seccomp")
def test_the_kernel_refuses_native_code_every_socket_but_a_unix_one(solo: Pool, listener: socket.socket) -> None:
    """Past the audit hook, which sees only Python: libc's socket() and Oxigraph's own SERVICE client."""
    for family, expected in [(socket.AF_INET, errno.EPERM), (socket.AF_INET6, errno.EPERM), (socket.AF_UNIX, 0)]:
        assert solo.call(("native_socket", family), timeout_s=5) == expected
    assert solo.call(("service", listener.getsockname()[1]), timeout_s=5) == "PermissionError"
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody connected
    assert _native_socket(socket.AF_INET) == 0  # the parent is not sandboxed


def test_concurrent_callers_each_get_their_own_answer(pool: Pool) -> None:
    answers: dict[int, list[Any]] = {}
    pids: set[int] = set()
    errors: list[BaseException] = []

    def caller(n: int) -> None:
        try:
            answers[n] = [pool.call(("echo", (n, i), (n + i) % 3 / 1000), timeout_s=10) for i in range(50)]
            pids.add(child_pid(pool))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=caller, args=(n,), daemon=True) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors
    assert answers == {n: [(n, i) for i in range(50)] for n in range(8)}
    assert 1 <= len(pids) <= 2 and set(pool.pids) >= pids


def test_a_caller_waits_for_a_free_child_no_longer_than_its_timeout(solo: Pool) -> None:
    pid = child_pid(solo)
    busy: list[Any] = []
    thread = threading.Thread(target=lambda: busy.append(solo.call(("sleep", 1.0), timeout_s=5)))
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"no query process was free within 0\.2 s"):
        solo.call(("echo", 1), timeout_s=0.2)
    assert time.monotonic() - started < 0.7
    thread.join()
    assert busy == ["slept"]
    assert child_pid(solo) == pid  # the busy child was not disturbed


def test_a_child_that_dies_is_replaced(solo: Pool) -> None:
    pid = child_pid(solo)
    with pytest.raises(KGError, match="died before it answered") as died:
        solo.call(("exit", 3), timeout_s=5)
    assert died.value.status == 500
    assert gone(pid)
    idle = child_pid(solo)
    os.kill(idle, signal.SIGKILL)  # dies while idle: the next request must not notice
    assert eventually(lambda: state_of(idle) == "Z")
    assert solo.call(("echo", "fine"), timeout_s=5) == "fine"
    assert gone(idle)


def test_setup_runs_in_each_child_before_the_sandbox(tmp_path: Path) -> None:
    notes = tmp_path / "store.txt"
    notes.write_text("opened by setup")
    set_up_in: list[int] = []

    def setup() -> Callable[[Request], Any]:
        set_up_in.append(os.getpid())
        text = notes.read_text()  # before the sandbox: allowed
        return lambda request: (text, len(set_up_in)) if request == ("setup",) else _open(str(notes))

    pool: Pool = IsolatedPool(setup, size=1)
    try:
        assert pool.call(("setup",), timeout_s=5) == ("opened by setup", 1)
        with pytest.raises(Forbidden):  # after it: refused
            pool.call(("open",), timeout_s=5)
        assert set_up_in == []  # setup ran in the child, not here
    finally:
        pool.close()


def test_a_setup_that_fails_fails_the_request_and_leaves_no_child() -> None:
    def setup() -> Callable[[Request], Any]:
        raise GraphUnavailable("no graph here")

    pool: Pool = IsolatedPool(setup, size=1)
    try:
        for _ in range(2):
            with pytest.raises(GraphUnavailable, match="no graph here") as unavailable:
                pool.call(("echo", 1), timeout_s=5)
            assert unavailable.value.status == 503
            assert pool.pids == ()
    finally:
        pool.close()


def _use_after_fork(pool: Pool, conn: Any) -> None:
    conn.send((os.getpid(), pool.pids, pool.call(("pid",), timeout_s=5), pool.pids))


def test_a_forked_process_forks_children_of_its_own(solo: Pool) -> None:
    ours = child_pid(solo)
    reader, writer = FORK.Pipe(duplex=False)
    process = FORK.Process(target=_use_after_fork, args=(solo, writer))
    process.start()
    assert reader.poll(10)
    forked, inherited, (theirs, their_parent), after = reader.recv()
    process.join(10)
    assert inherited == ()  # the forked process forgot our child
    assert theirs != ours and their_parent == forked and after == (theirs,)
    assert child_pid(solo) == ours  # and left ours alone, even when it exited
    assert eventually(lambda: dead(theirs))


def test_close_kills_and_reaps_every_child(pool: Pool) -> None:
    outcome: list[BaseException] = []

    def busy() -> None:
        try:
            pool.call(("sleep", 30), timeout_s=30)
        except KGError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=busy)
    thread.start()
    assert eventually(lambda: len(pool.pids) == 1)
    idle = child_pid(pool)
    pids = pool.pids
    assert len(pids) == 2 and idle in pids
    started = time.monotonic()
    pool.close()
    thread.join(5)
    assert time.monotonic() - started < 2
    assert all(gone(pid) for pid in pids)
    assert pool.pids == () and len(outcome) == 1
    with pytest.raises(KGError, match="closed"):
        pool.call(("echo", 1), timeout_s=1)


def test_a_pool_that_is_collected_leaves_no_child() -> None:
    pool = make_pool()
    pid = child_pid(pool)
    del pool
    gc.collect()
    assert gone(pid)


def _own_and_exit(conn: Any) -> None:
    pool = make_pool()
    threading.Thread(target=pool.call, args=(("sleep", 30),), kwargs={"timeout_s": 60}, daemon=True).start()
    while len(pool.pids) < 1:
        time.sleep(0.01)
    pool.call(("echo", 1), timeout_s=5)
    time.sleep(0.3)  # the busy child is asleep in its query
    conn.send(pool.pids)
    os._exit(0)  # no clean-up: no close(), no atexit


def test_children_end_with_the_process_that_owns_them_even_mid_query() -> None:
    reader, writer = FORK.Pipe(duplex=False)
    process = FORK.Process(target=_own_and_exit, args=(writer,))
    process.start()
    assert reader.poll(10)
    pids = reader.recv()
    process.join(10)
    assert len(pids) == 2
    assert eventually(lambda: all(dead(pid) for pid in pids))


def test_a_child_outlives_the_thread_that_forked_it(solo: Pool) -> None:
    pids: list[int] = []
    thread = threading.Thread(target=lambda: pids.append(child_pid(solo)))
    thread.start()
    thread.join()
    time.sleep(0.2)  # the kernel signals the child when that thread ends
    assert child_pid(solo) == pids[0]


def test_a_child_holds_no_socket_of_its_parent_open(solo: Pool) -> None:
    ours, peer = socket.socketpair()
    with ours, peer:
        assert solo.call(("sockets",), timeout_s=5) == 1  # its own pipe
        ours.close()
        peer.settimeout(2)
        assert peer.recv(1) == b""  # closed here means closed: the child kept no copy


# ------------------------------------------------------------------------------------ streamed answers


def _stream(head: Any, parts: list[Any]) -> Streamed:
    """A streamed answer that writes `parts`: bytes, or an exception to raise, or a float to sleep."""

    def produce(write: Callable[[bytes], object]) -> None:
        for part in parts:
            if isinstance(part, BaseException):
                raise part
            if isinstance(part, float):
                time.sleep(part)
            else:
                write(part)

    return Streamed(head, produce)


OPS["stream"] = _stream
BIG = [bytes([n]) * 100_000 for n in range(40)]  # 4 MB in writes smaller than a chunk


def test_a_small_streamed_answer_comes_whole_with_its_head(solo: Pool) -> None:
    stream = solo.call(("stream", {"kind": "SELECT"}, [b"ab", b"cd"]), timeout_s=5)
    assert isinstance(stream, Stream) and stream.head == {"kind": "SELECT"}
    assert stream.chunks == (b"abcd",)
    assert solo.call(("echo", 1), timeout_s=5) == 1  # the child is free again


def test_a_large_streamed_answer_comes_in_chunks_and_frees_its_child_at_the_end(solo: Pool) -> None:
    pid = child_pid(solo)
    stream = solo.call(("stream", "head", BIG), timeout_s=10)
    chunks = list(stream.chunks)
    assert 4_000_000 // (CHUNK_BYTES + 100_000) <= len(chunks) <= 4_000_000 // CHUNK_BYTES + 1
    assert max(map(len, chunks)) < CHUNK_BYTES + 100_000
    assert b"".join(chunks) == b"".join(BIG)
    assert child_pid(solo) == pid


def test_an_abandoned_stream_kills_its_child_and_frees_the_slot(solo: Pool) -> None:
    pid = child_pid(solo)
    stream = solo.call(("stream", "head", BIG), timeout_s=10)
    assert len(next(iter(stream.chunks))) >= CHUNK_BYTES
    stream.chunks.close()  # type: ignore[union-attr]
    assert gone(pid)
    assert solo.call(("echo", "next"), timeout_s=5) == "next"
    dropped = solo.call(("stream", "head", BIG), timeout_s=10)
    pid = dropped.chunks._child.pid  # type: ignore[union-attr]
    del dropped
    gc.collect()
    assert gone(pid)  # never read at all: killed when collected


def test_errors_before_the_first_chunk_are_plain_errors_and_after_it_end_the_stream(solo: Pool) -> None:
    with pytest.raises(BadQuery, match="early"):
        solo.call(("stream", "head", [b"x" * 1000, BadQuery("early")]), timeout_s=5)
    stream = solo.call(("stream", "head", [*BIG[:5], BadQuery("late")]), timeout_s=5)
    with pytest.raises(BadQuery, match="late"):
        list(stream.chunks)
    assert solo.call(("echo", "fine"), timeout_s=5) == "fine"


def test_one_time_limit_covers_the_whole_stream(solo: Pool) -> None:
    pid = child_pid(solo)
    stream = solo.call(("stream", "head", [*BIG[:5], 30.0, b"never"]), timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"longer than 0\.5 s"):
        list(stream.chunks)
    assert time.monotonic() - started < 2
    assert gone(pid)


# ---------------------------------------------------------------------------------------- saturation


def test_waiting_for_a_child_counts_against_the_one_time_limit(solo: Pool) -> None:
    child_pid(solo)
    thread = threading.Thread(target=lambda: solo.call(("sleep", 0.6), timeout_s=5))
    thread.start()
    assert eventually(lambda: len(solo.pids) == 1)
    time.sleep(0.1)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"longer than 0\.9 s"):  # waited ~0.5 s, then ran out of the rest
        solo.call(("sleep", 2), timeout_s=0.9)
    assert time.monotonic() - started < 1.5
    thread.join(5)


def test_a_full_queue_is_refused_at_once() -> None:
    pool: Pool = IsolatedPool(lambda: handle, size=1, memory_bytes=MEMORY, max_waiting=1)
    try:
        child_pid(pool)
        busy = [threading.Thread(target=pool.call, args=(("sleep", 0.8),), kwargs={"timeout_s": 5}) for _ in range(2)]
        for thread in busy:
            thread.start()
            time.sleep(0.1)  # one runs, one waits
        started = time.monotonic()
        with pytest.raises(PoolBusy, match="busy") as refused:
            pool.call(("echo", 1), timeout_s=5)
        assert time.monotonic() - started < 0.2
        assert refused.value.status == 503 and refused.value.code == "busy"
        for thread in busy:
            thread.join(5)
        assert pool.call(("echo", 2), timeout_s=5) == 2
    finally:
        pool.close()
