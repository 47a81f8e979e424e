"""The `kgqa` command: thin wrappers that parse arguments, call one function and print."""

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from kg.errors import GraphUnavailable, KGError
from kg.facts import FactRecord, entities, facts
from kg.graphdir import WriterLock, disk_error
from kg.locations import SOURCES_DIR
from kg.paths import project
from kg.stores import BATCH_TRIPLES, STORE_KINDS, StoreConfig, open_store, serialize

EXPORT_FORMATS = {"ttl": "turtle", "nt": "nt", "trig": "trig", "jsonld": "json-ld", "graphml": "graphml"}


def fact_json(fact: FactRecord, labels: dict[str, str]) -> dict[str, object]:
    return {
        "subject": labels.get(fact.subject, fact.subject),
        "predicate": fact.predicate,
        "object": labels.get(fact.object, fact.object) if fact.object_is_entity else fact.object,
        "sources": fact.sources,
        "evidence": fact.evidence,
    }


def store_config(args: argparse.Namespace) -> StoreConfig:
    try:
        return StoreConfig.resolve(args.store, args.graph, args.sparql_query_url, args.sparql_update_url)
    except ValueError as exc:
        raise KGError(str(exc)) from None


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import run_ingest
    from ingest.settings import MAX_NOTE_BYTES, SCHEDULER, text, value

    paths = [Path(p) for p in args.paths] or [SOURCES_DIR]
    scheduler = args.scheduler or text(SCHEDULER)
    config = store_config(args)
    try:
        value(MAX_NOTE_BYTES)
    except ValueError as exc:
        raise KGError(str(exc)) from None
    if args.if_stale and not args.rebuild and not stale(paths, config):
        print(f"graph is up to date: {config.describe()}")
        return 0
    if config.kind == "sparql":
        print(
            "the sparql store takes no lock: each source is written whole, in one update request (with others "
            f"up to ~{BATCH_TRIPLES:,} triples)",
            file=sys.stderr,
        )
        report = run_ingest(paths, config, progress=sys.stderr.isatty(), rebuild=args.rebuild, scheduler=scheduler)
    else:
        with writer_lock(config, wait=not args.no_wait):
            report = run_ingest(paths, config, progress=sys.stderr.isatty(), rebuild=args.rebuild, scheduler=scheduler)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    if report.documents:
        print(
            f"{'rebuilt the graph from' if args.rebuild else 'ingested'} {report.documents} documents, "
            f"{report.statements} statements, {report.entities} entities, "
            f"{report.facts} facts ({report.evidence_only} statements kept as evidence only) "
            f"in {report.seconds:.2f} s -> {report.graph}"
        )
    return 1 if report.errors else 0


@contextmanager
def writer_lock(config: StoreConfig, *, wait: bool) -> Iterator[None]:
    """The graph directory's writer lock for the whole command; waiting for it is said on stderr."""
    lock = WriterLock(config.directory)
    try:
        lock.acquire(wait=wait, on_wait=say_waiting)
    except OSError as exc:
        raise disk_error(config.directory, exc, "lock the graph directory") from None
    try:
        yield
    finally:
        lock.release()


def say_waiting(pid: int | None) -> None:
    who = f"another ingest (pid {pid})" if pid else "another ingest"
    print(f"waiting for {who} to finish…", file=sys.stderr, flush=True)


def stale(paths: list[Path], config: StoreConfig) -> bool:
    """Is the graph missing or unreadable, or does any source file differ from what the graph was built from?"""
    import hashlib

    from ingest.files import SourceError, discover, read_note

    try:
        store = open_store(config)
    except GraphUnavailable:
        return True
    try:
        known = store.source_hashes()
    finally:
        store.close()
    files = discover(paths)
    if {f.name for f in files} != set(known):
        return True
    try:
        return any(known[f.name] != hashlib.sha256(read_note(f.path)).hexdigest() for f in files)
    except SourceError:
        return True  # the ingest names the file


def cmd_doctor(args: argparse.Namespace) -> int:
    from kg.doctor import check, failed, repair

    config = store_config(args)
    findings = repair(config, on_wait=say_waiting) if args.repair else check(config)
    for finding in findings:
        print(finding)
    return 1 if failed(findings) else 0


def cmd_facts(args: argparse.Namespace) -> int:
    store = open_store(store_config(args))
    ents = entities(store)
    labels = {iri: e.label for iri, e in ents.items()}
    rows = [fact_json(f, labels) for f in facts(store)]
    if args.json:
        json.dump(rows, sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        for r in rows:
            print(f"{r['subject']} --{r['predicate']}--> {r['object']}  [{', '.join(r['sources'])}]")  # type: ignore[arg-type]
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = open_store(store_config(args))
    out = sys.stdout.buffer
    if args.format == "graphml":
        import networkx as nx

        nx.write_graphml(project(entities(store), facts(store)), out)
    else:
        out.write(serialize(store, EXPORT_FORMATS[args.format]))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from kg.snapshot import snapshot_of
    from service.qa import QA

    qa = QA(snapshot_of(open_store(store_config(args))))
    if args.questions == ["-"]:
        questions = [line.strip() for line in sys.stdin if line.strip()]
    else:  # `kgqa ask what is lambda`: the words are one question, quoted or not
        questions = [" ".join(args.questions)]
    for question in questions:
        answer = qa.ask(question)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            print(f"Q: {question}\nA: {answer.answer}")
            for e in answer.evidence[:5]:
                print(f"   [{e['source']}:{e['line']}] {str(e['text']).strip()}")
            if answer.suggestions:
                print("   did you mean: " + "; ".join(answer.suggestions))
            print()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from service.server import Serving, check_port_free, serve

    config = store_config(args)
    check_port_free(args.host, args.port)  # before an ingest that would be wasted
    if args.ingest_if_stale and stale([SOURCES_DIR], config):
        from ingest.pipeline import run_ingest

        report = run_ingest([SOURCES_DIR], config, progress=sys.stderr.isatty())
        for error in report.errors:
            print(f"error: {error}", file=sys.stderr)
    serve(config, Serving(args.host, args.port, args.workers, args.threads), args.server)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from kgqa.evaluate import load, score_facts

    store = open_store(store_config(args))
    ents, all_facts = entities(store), facts(store)
    if args.facts:
        sources = [p for d in args.sources for p in sorted(Path(d).glob("*")) if p.is_file()]
        score = score_facts(load(args.facts), all_facts, ents, sources)
        print(f"facts: recall {score.recall:.3f} ({score.recalled}/{score.total})")
        print(
            f"grounding: {score.grounding:.3f} "
            f"({score.grounded}/{score.evidence} evidence texts verbatim in their source)"
        )
        for miss in score.missed if args.verbose else []:
            print(f"  missed: {miss['subject']} {miss['predicate']} {miss['object']}")
    if args.questions:
        from kg.snapshot import snapshot_of
        from kgqa.evaluate import answer_ok
        from service.qa import QA

        qa = QA(snapshot_of(store))
        items = load(args.questions)
        wrong = []
        for item in items:
            answer = qa.ask(str(item["q"]))
            if not answer_ok(answer.answer, list(item["must_contain"])):  # type: ignore[call-overload]
                wrong.append((item, answer))
        right = len(items) - len(wrong)
        print(f"questions: accuracy {right / len(items):.3f} ({right}/{len(items)})")
        for item, answer in wrong if args.verbose else []:
            print(f"  wrong: {item['q']!r} -> {answer.answer[:200]!r} (needs {item['must_contain']})")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kgqa", description="Study notes -> knowledge graph -> answers with evidence.")
    sub = p.add_subparsers(dest="command", required=True)

    def with_graph(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument("--store", choices=STORE_KINDS, help="where the graph lives (default: $KGQA_STORE or memory)")
        sp.add_argument(
            "--graph",
            metavar="DIR",
            help="graph directory of the memory and oxigraph stores ($KGQA_GRAPH, .kgqa/graph)",
        )
        sp.add_argument(
            "--sparql-query-url", metavar="URL", help="sparql store: query endpoint ($KGQA_SPARQL_QUERY_URL)"
        )
        sp.add_argument(
            "--sparql-update-url",
            metavar="URL",
            help="sparql store: update endpoint, to ingest ($KGQA_SPARQL_UPDATE_URL)",
        )
        return sp

    sp = with_graph(sub.add_parser("ingest", help="read notes into the graph"))
    sp.add_argument("paths", nargs="*", help=f"files or folders (default: {SOURCES_DIR})")
    sp.add_argument("--if-stale", action="store_true", help="only when the graph is missing or a source changed")
    sp.add_argument(
        "--rebuild", action="store_true", help="build a new graph of these sources alone, whatever state the old is in"
    )
    sp.add_argument("--no-wait", action="store_true", help="fail at once if another ingest is writing the graph")
    sp.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="extract on the running Dask cluster at ADDRESS, e.g. tcp://127.0.0.1:8786 ($KGQA_SCHEDULER; "
        "default: local processes); needs pip install 'kgqa[scale]'",
    )
    sp.set_defaults(func=cmd_ingest)

    sp = with_graph(sub.add_parser("doctor", help="check a graph and say what is wrong (exit 1 if anything is)"))
    sp.add_argument("--repair", action="store_true", help="remove leftovers and apply unapplied writes first")
    sp.set_defaults(func=cmd_doctor)

    sp = with_graph(sub.add_parser("facts", help="print every fact with its evidence"))
    sp.add_argument("--json", action="store_true", help="one JSON list")
    sp.set_defaults(func=cmd_facts)

    sp = with_graph(sub.add_parser("export", help="write the graph in an RDF format or GraphML"))
    sp.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="ttl")
    sp.set_defaults(func=cmd_export)

    sp = with_graph(sub.add_parser("ask", help="answer questions from the graph"))
    sp.add_argument(
        "questions", nargs="+", metavar="WORD", help="one question (quoted or not), or - to read one per line"
    )
    sp.add_argument("--json", action="store_true", help="one JSON object per line")
    sp.set_defaults(func=cmd_ask)

    sp = with_graph(sub.add_parser("serve", help="serve the web page, the JSON API and /sparql"))
    sp.add_argument("--host", default=os.environ.get("KGQA_HOST", "127.0.0.1"), help="default $KGQA_HOST or 127.0.0.1")
    sp.add_argument(
        "--port", type=int, default=int(os.environ.get("KGQA_PORT", "5000")), help="default $KGQA_PORT or 5000"
    )
    sp.add_argument(
        "--server", choices=("granian", "gunicorn"), default="granian", help="HTTP server (default: granian)"
    )
    sp.add_argument("--workers", type=int, default=2, help="worker processes, each running the app (default 2)")
    sp.add_argument("--threads", type=int, default=8, help="threads per worker that run requests (default 8)")
    sp.add_argument("--ingest-if-stale", action="store_true", help="ingest data/sources first if the graph is stale")
    sp.set_defaults(func=cmd_serve)

    sp = with_graph(sub.add_parser("eval", help="score the graph against facts and questions files"))
    sp.add_argument("--facts", type=Path, help="expected facts (JSON list)")
    sp.add_argument("--questions", type=Path, help="questions with must_contain (JSON list)")
    sp.add_argument("--sources", nargs="*", default=[SOURCES_DIR], help="folders of the source files")
    sp.add_argument("-v", "--verbose", action="store_true", help="list what was missed")
    sp.set_defaults(func=cmd_eval)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(format="warning: %(message)s", level=logging.WARNING)
    try:
        return int(args.func(args))
    except KGError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file or folder named on the command line
        print(
            f"error: {exc.filename or ''}: {exc.strerror or exc} — check the path and its permissions", file=sys.stderr
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
