"""The `kgqa` command: thin wrappers that parse arguments, call one function and print."""

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kg import store
from kg.errors import KGError
from kg.facts import FactRecord, entities, facts
from kg.locations import SOURCES_DIR, graph_dir
from kg.paths import project

EXPORT_FORMATS = {"ttl": "turtle", "nt": "nt", "trig": "trig", "jsonld": "json-ld", "graphml": "graphml"}


def fact_json(fact: FactRecord, labels: dict[str, str]) -> dict[str, object]:
    return {
        "subject": labels.get(fact.subject, fact.subject),
        "predicate": fact.predicate,
        "object": labels.get(fact.object, fact.object) if fact.object_is_entity else fact.object,
        "sources": fact.sources,
        "evidence": fact.evidence,
    }


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.pipeline import run_ingest

    paths = [Path(p) for p in args.paths] or [SOURCES_DIR]
    if args.if_stale and not stale(paths, graph_dir(args.graph)):
        print(f"graph is up to date: {graph_dir(args.graph)}")
        return 0
    report = run_ingest(paths, graph_dir(args.graph), progress=sys.stderr.isatty())
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    if report.documents:
        print(
            f"ingested {report.documents} documents, {report.statements} statements, "
            f"{report.entities} entities, "
            f"{report.facts} facts in {report.seconds:.2f} s -> {report.graph}"
        )
    return 1 if report.errors else 0


def stale(paths: list[Path], directory: Path) -> bool:
    """Is the graph missing, or does any source file differ from what the graph was built from?"""
    import hashlib

    from ingest.sources import discover

    if not store.exists(directory):
        return True
    known = store.source_hashes(store.open_dataset(directory))
    files = discover(paths)
    return len(files) != len(known) or any(
        known.get(f.name) != hashlib.sha256(f.read_bytes()).hexdigest() for f in files
    )


def cmd_facts(args: argparse.Namespace) -> int:
    ds = store.open_dataset(graph_dir(args.graph), missing_ok=False)
    ents = entities(ds)
    labels = {iri: e.label for iri, e in ents.items()}
    rows = [fact_json(f, labels) for f in facts(ds)]
    if args.json:
        json.dump(rows, sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        for r in rows:
            print(f"{r['subject']} --{r['predicate']}--> {r['object']}  [{', '.join(r['sources'])}]")  # type: ignore[arg-type]
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    ds = store.open_dataset(graph_dir(args.graph), missing_ok=False)
    out = sys.stdout.buffer
    if args.format == "graphml":
        import networkx as nx

        nx.write_graphml(project(entities(ds), facts(ds)), out)
    elif args.format == "trig":
        out.write(ds.serialize(format="trig").encode())
    else:
        from rdflib import Graph

        union = Graph()
        for prefix, ns in ds.namespaces():
            union.bind(prefix, ns)
        for triple in ds.triples((None, None, None)):
            union.add(triple)
        out.write(union.serialize(format=EXPORT_FORMATS[args.format]).encode())
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from kg.snapshot import load_snapshot
    from service.qa import QA

    qa = QA(load_snapshot(graph_dir(args.graph)))
    questions = [line.strip() for line in sys.stdin if line.strip()] if args.questions == ["-"] else args.questions
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
    from service.server import serve

    if args.ingest_if_stale and stale([SOURCES_DIR], graph_dir(args.graph)):
        from ingest.pipeline import run_ingest

        report = run_ingest([SOURCES_DIR], graph_dir(args.graph), progress=sys.stderr.isatty())
        for error in report.errors:
            print(f"error: {error}", file=sys.stderr)
    print(f"serving {graph_dir(args.graph)} on http://{args.host}:{args.port}", file=sys.stderr)
    serve(graph_dir(args.graph), args.host, args.port, args.workers)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from kgqa.evaluate import load, score_facts

    ds = store.open_dataset(graph_dir(args.graph), missing_ok=False)
    ents, all_facts = entities(ds), facts(ds)
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
        from kg.snapshot import load_snapshot
        from kgqa.evaluate import answer_ok
        from service.qa import QA

        qa = QA(load_snapshot(graph_dir(args.graph)))
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
        sp.add_argument("--graph", metavar="DIR", help="graph directory (default: $KGQA_GRAPH or .kgqa/graph)")
        return sp

    sp = with_graph(sub.add_parser("ingest", help="read notes into the graph"))
    sp.add_argument("paths", nargs="*", help=f"files or folders (default: {SOURCES_DIR})")
    sp.add_argument("--if-stale", action="store_true", help="only when the graph is missing or a source changed")
    sp.set_defaults(func=cmd_ingest)

    sp = with_graph(sub.add_parser("facts", help="print every fact with its evidence"))
    sp.add_argument("--json", action="store_true", help="one JSON list")
    sp.set_defaults(func=cmd_facts)

    sp = with_graph(sub.add_parser("export", help="write the graph in an RDF format or GraphML"))
    sp.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="ttl")
    sp.set_defaults(func=cmd_export)

    sp = with_graph(sub.add_parser("ask", help="answer questions from the graph"))
    sp.add_argument("questions", nargs="+", metavar="QUESTION", help="questions, or - to read one per line")
    sp.add_argument("--json", action="store_true", help="one JSON object per line")
    sp.set_defaults(func=cmd_ask)

    sp = with_graph(sub.add_parser("serve", help="serve the JSON API and /sparql under gunicorn"))
    sp.add_argument("--host", default=os.environ.get("KGQA_HOST", "127.0.0.1"), help="default $KGQA_HOST or 127.0.0.1")
    sp.add_argument(
        "--port", type=int, default=int(os.environ.get("KGQA_PORT", "5000")), help="default $KGQA_PORT or 5000"
    )
    sp.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
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
    try:
        return int(args.func(args))
    except KGError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
