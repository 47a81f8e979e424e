"""Synthetic study notes in the corpus's formats (Markdown, bullet text, OCR'd handwriting, flashcard decks), for
scale benchmarks.

Each note introduces a few invented services ("Amazon Quorvex", "AWS Tessaline", "Amazon QDRT (Quorvex Data
Relay Tunnel)") and reuses earlier ones and real ones, so the graph grows with the number of notes and notes
share entities. Sentences are phrased the way ingest reads relations: runs on, integrated with, triggered by,
abstraction over, stores, supports, limits, prices, use cases, comparisons (headings, tables, side-by-side
labels), flows and layer stacks. One seeded `random.Random` draws everything: a seed always writes the same files.

    python bench/synth.py --notes 1000 --out /tmp/notes [--seed 7]
"""

import argparse
import random
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ingest.names import load_gazetteer
from ingest.nlp import fold
from kg.lexicon import english_words


def phrases(text: str) -> tuple[str, ...]:
    """'a, b,\n    c' -> ('a', 'b', 'c')."""
    return tuple(" ".join(p.split()) for p in text.split(","))


REAL_SERVICES = (
    "Amazon S3", "Amazon EC2", "AWS Lambda", "Amazon ECS", "AWS Fargate", "Amazon ECR", "AWS Batch",
    "Amazon Lightsail", "Amazon API Gateway", "Amazon DynamoDB", "Amazon RDS", "Amazon SQS", "Amazon SNS",
    "Amazon EBS", "Amazon EFS", "Amazon CloudWatch", "AWS Step Functions", "Amazon Kinesis", "Amazon EKS",
)  # fmt: skip
CONCEPTS = (
    "Docker image", "container", "batch job", "virtual machine", "RESTful API", "Spot Instance", "cron job",
    "WebSocket API", "edge location", "thumbnail", "microservice",
)  # fmt: skip
NOUNS = """snapshot shard ledger replica webhook certificate token dashboard pipeline partition checkpoint
    manifest schema index bucket record event message stream table cluster volume backup report alert
    metric log trace session cursor queue topic channel segment archive template secret key endpoint
    job task workflow build release package module plugin widget form invoice order payment
    customer ticket sensor device reading frame video file folder notebook model dataset feature
    label prompt vector embedding graph query view""".split()
KINDS = """storage database messaging streaming analytics search caching queueing compute orchestration
    monitoring logging security identity networking migration backup workflow notification ledger indexing
    transcoding scheduling""".split()
USES = phrases(
    """real-time dashboards, log analytics, image thumbnails, nightly reports, fraud detection, chat applications,
    IoT telemetry, mobile backends, order processing, media transcoding, clickstream analysis, recommendation
    engines, data lakes, batch billing, game leaderboards, document search, audit trails, session storage, event
    sourcing, ETL pipelines, machine learning features, website hosting, dev / test environments, disaster
    recovery, API backends, scheduled maintenance"""
)
NEEDS = phrases(
    """millisecond latency, exactly-once delivery, cross-region replication, strong consistency, cheap cold
    storage, unlimited throughput, a fully managed cluster, fine-grained access control, long running jobs,
    a serverless option"""
)
DESCRIPTORS = """Data Stream Relay Gateway Vault Mesh Cache Ledger Tracker Broker Pipeline Kernel Hub Bridge
    Store Grid Tunnel Lens Forge Pulse Beacon Catalog Monitor Transfer Router Scheduler Vector
    Graph""".split()
LANGUAGES = ("Python", "Java", "Node.js (JavaScript)", "Go", "Ruby", "C# (.NET Core)", "PowerShell", "Rust")
ONSETS = """b c d f g h j k l m n p r s t v w z br cr dr fr gr kr pl pr st tr vr qu sk sl sn th ph x sh ch gl bl
    cl kl gn sp spr str zh""".split()
VOWELS = "a e i o u a e i o ae io ou ei y ia ea oa ui".split()
CODAS = ("", "", "", "", "", "n", "r", "l", "x", "v", "th", "nd", "rk", "lt", "m")
CONSONANTS = frozenset("BCDFGHJKLMNPQRSTVWXZ")  # acronyms of consonants only are no English word
COMMON_ACRONYMS = frozenset(
    "CLI SDK SQL DNS TCP UDP URL SSH SSL TLS VPN XML CSS PDF SMS FTP NFS SMB CDN WWW HTML CRM".split()
)
FLASHCARD_FOOTER = ("", "How well did you know this?", "1", "Not at all", "2", "3", "4", "5", "Perfectly")


# ------------------------------------------------------------------ invented names


@dataclass(frozen=True)
class Service:
    """A service and the ways notes name it."""

    label: str  # "Amazon Quorvex", "Amazon Quorvex Data Relay"
    short: str  # "Quorvex", or the acronym "QDR"
    definition: str = ""  # "Amazon QDR (Quorvex Data Relay)": its first mention, in the note that introduces it

    def mention(self, rng: random.Random) -> str:
        return self.label if rng.random() < 0.5 else self.short


REAL = tuple(Service(name, name.split(" ", 1)[1]) for name in REAL_SERVICES)


def deletions(word: str, depth: int = 2) -> set[str]:
    """Every string made by deleting up to `depth` letters: two words within `depth` edits share one."""
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


@dataclass
class NamePool:
    """Names handed out so far. Invented words stay three edits apart from each other and from every gazetteer name,
    so that ingest takes none of them for a misspelling of another; acronyms never repeat."""

    taken: set[str] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=lambda: set(COMMON_ACRONYMS))
    services: list[Service] = field(default_factory=list)

    def __post_init__(self) -> None:
        for alias in load_gazetteer().aliases:  # lower-cased, as ingest matches them
            core = re.sub(r"^(amazon|aws) ", "", alias)
            self.claim(core)
            self.claim(re.sub(r" (functions?|services?|instances?)$", "", core))  # ingest finds 'AWS Step' too
            self.acronyms.add(alias.upper())

    def free(self, word: str) -> bool:
        return deletions(fold(word)).isdisjoint(self.taken)

    def claim(self, word: str) -> None:
        self.taken |= deletions(fold(word))

    def acronym_free(self, acronym: str) -> bool:
        """Unused, and no plural of a used one or the other way round: ingest reads 'CRSS' as more than one 'CRS'."""
        return not {acronym, acronym + "S", acronym.removesuffix("S")} & self.acronyms


def coined(rng: random.Random) -> str:
    """'Quorvex', 'Tessaline': two or three syllables, four to nine letters."""
    while True:
        parts = [rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.choice((2, 3, 3)))]
        word = "".join(parts)
        if 4 <= len(word) <= 9 and not word.endswith("s"):
            return word.capitalize()


def new_word(rng: random.Random, pool: NamePool) -> str:
    while True:
        word = coined(rng)
        if word.lower() not in english_words() and pool.free(word):
            pool.claim(word)
            return word


def new_service(rng: random.Random, pool: NamePool) -> Service:
    """'AWS Quorvex', or (one in four) a long name defined with its acronym: 'Amazon QDR (Quorvex Data Relay)'.
    Nine-letter words take the short prefix: ingest takes 'Amazon' + a word within 20% of another's for a typo."""
    word = new_word(rng, pool)
    prefix = rng.choice(("Amazon", "AWS")) if len(word) <= 8 else "AWS"
    if word[0] in CONSONANTS and rng.random() < 0.25:
        for _ in range(20):
            extra = rng.sample([d for d in DESCRIPTORS if d[0] in CONSONANTS], rng.randint(2, 3))
            acronym = word[0] + "".join(d[0] for d in extra)
            if pool.acronym_free(acronym):
                pool.acronyms.add(acronym)
                long = " ".join([word, *extra])
                return Service(f"{prefix} {long}", acronym, f"{prefix} {acronym} ({long})")
    return Service(f"{prefix} {word}", word)


def cast(rng: random.Random, pool: NamePool, new: int) -> tuple[list[Service], list[Service]]:
    """Who one note is about: `new` services invented here, and some invented earlier and some real ones."""
    fresh = [new_service(rng, pool) for _ in range(new)]
    earlier = rng.sample(pool.services, min(len(pool.services), rng.randint(2, 5)))
    pool.services.extend(fresh)
    return fresh, [*earlier, *rng.sample(REAL, rng.randint(1, 3))]


# ------------------------------------------------------------------ sentences

ABOUT = (  # the subject is the section's topic
    "Runs on {b}",
    "Integrated with {b}",
    "Has integrations with {b} and {c}",
    "Supports {xs} and {ys}",
    "Support for {xs}, {ys}, {zs} and {k}s",
    "Fully managed {kind} service for {xs}",
    "Launch {k}s on {b}",
    "Can be triggered by {b}",
    "Abstraction over {b}",
    "Alternative to {b}",
    "Invocation time: up to {n} minutes",
    "Easy to get more resources (up to {n} GB of RAM!)",
    "Maximum {x} size: {n} KB",
    "Pay per request: ${p} per 1 million requests",
    "Free tier of {n},000 requests per month",
    "Has high availability but no auto-scaling",
    "Scales automatically to {n} {xs} per second",
    "Great for {u}",
    "You do not provision the infrastructure (no servers to manage)",
    "You must provision and maintain the {xs}",
    "{Xs} are kept in {b}",
    "This is where you store your {xs} so they can be run by {b} or {c}",
    "Easy monitoring through {b}",
    "Relies on {b} for {xs}",
    "Use cases: {u}, {u2}, {u3}",
    "Limited by {xs} and {ys}",
    "Does not support {xs}",
    "Event-driven: functions get invoked by {b} when needed",
)
NAMED = (  # the subject is written out
    "{a} runs on {b}",
    "{a} is integrated with {b}",
    "{a} integrates with {b} and {c}",
    "{a} - abstraction over {b}",
    "{a} can be triggered by {b}",
    "{a} stores {xs} for {b}",
    "{a} is built on {b}",
    "Use {a} instead of {b}",
    "{a} depends on {b} for {xs}",
    "{a} is a fully managed {kind} service",
    "{a} is preferred for {u}",
    "{a} will dynamically launch {k}s",
    "{a} exposes {xs} as RESTful APIs",
    "{a} was pioneered by {b}",
    "{a} does not support {xs}",
    "{a} supports {xs} and {ys}",
    "Files uploaded to {b} trigger {a}",
    "Use {a} when you need {need}",
    "{a} is great for {u}",
    "{a} emulates {xs} whereas {b} emulates {ys}",
    "{a} jobs are defined as {k}s and run on {b}",
    "{a} uses {b} under the hood",
)
FLOWS = (
    "New {x} in {b} > Trigger > {a} > Write > {c}",
    "{b} > Invoke > {a} > Push > {c}",
    "{a} architecture: Infrastructure --> {c} --> {b} --> {a}",
)
DETAILS = (
    "Any {x}",
    "No compatibility issues",
    "Predictable behaviour",
    "Less work",
    "{X} metrics",
    "Easier to maintain",
)


def fill(rng: random.Random, template: str, a: str = "", b: str = "", c: str = "") -> str:
    """A template with services a, b, c and random concepts, numbers and use cases."""
    x, y, z = rng.sample(NOUNS, 3)
    u, u2, u3 = rng.sample(USES, 3)
    values = {
        **{"a": a, "b": b, "c": c, "x": x, "X": x.capitalize(), "xs": plural(x), "Xs": plural(x).capitalize()},
        **{"ys": plural(y), "zs": plural(z), "k": rng.choice(CONCEPTS), "kind": rng.choice(KINDS)},
        **{"u": u, "u2": u2, "u3": u3, "need": rng.choice(NEEDS)},
        **{"n": str(rng.choice((5, 10, 15, 30, 60, 100, 250, 500, 900))), "p": f"{rng.randint(1, 99) / 100:.2f}"},
    }
    return template.format(**values)


def plural(noun: str) -> str:
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def ocr(rng: random.Random, text: str, rate: float = 0.04) -> str:
    """Damage a few words the way handwriting OCR does: 'rn' ~ 'm', 'l' ~ '1', words broken with '--'."""
    swaps = (("rn", "m"), ("m", "rn"), ("l", "1"), ("o", "0"), ("e", "c"), ("a", "o"), ("i", "l"))

    def damage(word: str) -> str:
        if len(word) < 5 or rng.random() >= rate:
            return word
        if rng.random() < 0.3:
            cut = rng.randint(2, len(word) - 2)
            return f"{word[:cut]}--{word[cut:]}"
        old, new = rng.choice(swaps)
        return word.replace(old, new, 1)

    return " ".join(damage(w) for w in text.split(" "))


# ------------------------------------------------------------------ sections

Bullet = tuple[int, str]  # (depth, text)


@dataclass(frozen=True)
class Block:
    """One section of a note: a heading, its bullets and an optional two-column table (first row: the heads)."""

    heading: str
    bullets: tuple[Bullet, ...] = ()
    table: tuple[tuple[str, str], ...] = ()

    def words(self) -> int:
        rows = sum(len(f"| {left} | {right} |".split()) for left, right in self.table)
        return len(self.heading.split()) + sum(len(t.split()) + 1 for _, t in self.bullets) + rows


def labelled_list(rng: random.Random, others: list[Service]) -> list[Bullet]:
    """A 'Label:' bullet whose sub-bullets it qualifies: use cases, pricing, limits, public / private."""
    kind = rng.randrange(4)
    if kind == 0:
        return [(0, "Use cases:"), *((1, u[:1].upper() + u[1:]) for u in rng.sample(USES, rng.randint(2, 4)))]
    if kind == 1:
        prices = [f"Pay per {rng.choice(('request', 'hour', 'GB stored'))}", fill(rng, "${p} per 1 million requests")]
        return [(0, "Pricing:"), *((1, p) for p in prices), (1, fill(rng, "First {n},000 requests are free"))]
    if kind == 2:
        return [(0, "Limits:"), (1, fill(rng, "{n} KB per {x}")), (1, fill(rng, "{n},000 {xs} per second"))]
    pub, priv = rng.sample(others, 2)
    return [(0, fill(rng, "{Xs} are stored in {k}s")), (1, f"Public: {pub.label}"), (1, f"Private: {priv.label}")]


def about_block(rng: random.Random, svc: Service, others: list[Service], first: bool) -> Block:
    """A section on one service: what it is, runs on, works with, stores; its limits, prices and uses."""
    name = svc.definition if first and svc.definition else svc.label
    heading = name if svc.definition and first else rng.choice((name, f"What is {name}?", f"Why {name}?"))
    bullets: list[Bullet] = []
    for _ in range(rng.randint(4, 9)):
        b, c = (o.mention(rng) for o in rng.sample(others, 2))
        named = rng.random() < 0.45
        bullets.append((0, fill(rng, rng.choice(NAMED if named else ABOUT), svc.mention(rng), b, c)))
        if rng.random() < 0.15:
            bullets += [(1, fill(rng, d)) for d in rng.sample(DETAILS, 2)]
    if rng.random() < 0.4:
        bullets += labelled_list(rng, others)
    return Block(heading, tuple(bullets))


CONTRASTS = (
    ("Runs on {b}", "Runs on {c}"),
    ("Limited by time - short executions", "No time limit"),
    ("Pay per request: ${p}", "Pay per hour"),
    ("Integrated with {b}", "Integrated with {c}"),
    ("Up to {n} minutes", "No time limit"),
    ("Fully managed", "You must provision the infrastructure"),
    ("Stores {xs}", "Stores {ys}"),
    ("Serverless", "Continuously running"),
)


def compare_block(rng: random.Random, a: Service, b: Service, others: list[Service]) -> Block:
    """'A vs B': a table with the two as columns, a 'A vs B:' list, or 'A:' and 'B:' lists side by side."""
    rows = []
    for left, right in rng.sample(CONTRASTS, rng.randint(3, 5)):
        x, y = (o.short for o in rng.sample(others, 2))
        rows.append((fill(rng, left, b=x, c=y), fill(rng, right, b=x, c=y)))
    heading = f"{a.short} vs {b.short}"
    style = rng.random()
    if style < 0.5:
        return Block(heading, table=((a.label, b.label), *rows))
    if style < 0.75:
        return Block(heading, side_by_side(a.short, b.short, rows))
    return Block(heading, tuple((0, f"{s.short}: {row[n]}") for n, s in enumerate((a, b)) for row in rows))


def side_by_side(a: str, b: str, rows: list[tuple[str, str]]) -> tuple[Bullet, ...]:
    """'A:' over the left column, then 'B:' over the right one."""
    return ((0, f"{a}:"), *((1, left) for left, _ in rows), (0, f"{b}:"), *((1, right) for _, right in rows))


def flow_block(rng: random.Random, services: list[Service]) -> Block:
    a, b, c = rng.sample(services, 3)
    return Block(
        f"{a.short} Example",
        tuple((0, fill(rng, rng.choice(FLOWS), a.short, b.short, c.short)) for _ in range(rng.randint(1, 3))),
    )


def language_block(rng: random.Random, svc: Service) -> Block:
    return Block(f"{svc.short} Language Support", tuple((0, lang) for lang in rng.sample(LANGUAGES, rng.randint(3, 6))))


def examples_block(rng: random.Random, services: list[Service]) -> Block:
    named = rng.sample(services, rng.randint(2, 4))
    return Block("Serverless Services", ((0, "Some of the serverless services:"), *((1, s.label) for s in named)))


def blocks(rng: random.Random, fresh: list[Service], known: list[Service], words: int) -> Iterator[Block]:
    """Sections until about `words` words: one on each new service first, then a mix (a second section on a
    service only once every service has one)."""
    services = [*fresh, *known]
    total = 0
    new, uncovered = list(fresh), list(known)
    while total < words:
        roll = rng.random()
        if new or roll < 0.45:
            first = bool(new)
            svc = new.pop(0) if new else uncovered.pop(0) if uncovered else rng.choice(services)
            block = about_block(rng, svc, [s for s in services if s != svc], first=first)
        elif roll < 0.7:
            a, b = rng.sample(services, 2)
            block = compare_block(rng, a, b, services)
        elif roll < 0.85:
            block = flow_block(rng, services)
        elif roll < 0.95:
            block = language_block(rng, rng.choice(services))
        else:
            block = examples_block(rng, services)
        total += block.words()
        yield block


# ------------------------------------------------------------------ formats


def markdown(title: str, parts: list[Block]) -> str:
    """Like the Markdown notes: a contents list of links, '##' sections, '-' bullets, pipe tables."""
    out = [f"# {title}", "", *(f"- [{p.heading}](#{slug(p.heading)})" for p in parts), ""]
    for part in parts:
        out += [f"## {part.heading}", ""]
        out += [f"{'  ' * depth}- {text}" for depth, text in part.bullets]
        if part.table:
            head, *rows = part.table
            out += [f"| {head[0]} | {head[1]} |", "| --- | --- |"]
            out += [f"| {left} | {right} |" for left, right in rows]
        out.append("")
    return "\n".join(out)


def slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


def as_bullets(part: Block) -> list[Bullet]:
    """A table read out as two labelled lists, for the formats that have no tables."""
    if not part.table:
        return list(part.bullets)
    (a, b), *rows = part.table
    return list(side_by_side(a, b, rows))


def bullet_text(title: str, parts: list[Block]) -> str:
    """Like the knowledge-base export: plain headings, indented '•' bullets."""
    out = [title, ""]
    for part in parts:
        out += [part.heading, ""]
        out += [f"  {'  ' * depth}• {text}" for depth, text in as_bullets(part)]
        out.append("")
    return "\n".join(out)


def ocr_text(rng: random.Random, title: str, parts: list[Block]) -> str:
    """Like handwriting run through OCR: '- ·' bullets or whole paragraphs of '·' items, damaged words."""
    out = [title, ""]
    for part in parts:
        items = as_bullets(part)
        if rng.random() < 0.5:
            out += [part.heading, "", *(f"{' -' if depth else '- ·'} {ocr(rng, t)}" for depth, t in items), ""]
        else:
            out += [f"{part.heading} · " + " · ".join(ocr(rng, t.rstrip(":")) + "." for _, t in items), ""]
    return "\n".join(out)


def flashcards(title: str, parts: list[Block]) -> str:
    """Like an exported deck: numbered cards, Q the heading, A its bullets, then the rating boilerplate."""
    out = [f"{title} Flashcards", ""]
    for n, part in enumerate(parts, 1):
        out += [str(n), "Q", "", part.heading, "", "A", ""]
        out += [f"• {text}" for _, text in as_bullets(part)]
        out += FLASHCARD_FOOTER
    return "\n".join(out)


SUFFIXES = {"md": ".md", "txt": ".txt", "ocr": "-ocr.txt", "cards": "-cards.txt"}  # format -> file name ending


def note_format(name: str) -> str:
    """'note-00003-ocr.txt' -> 'ocr'."""
    return next(kind for kind in ("ocr", "cards", "md", "txt") if name.endswith(SUFFIXES[kind]))


def note(rng: random.Random, pool: NamePool, index: int) -> tuple[str, str]:
    """One note, (file name, text): a few hundred to about 1,500 words."""
    fresh, known = cast(rng, pool, rng.randint(3, 5))
    parts = list(blocks(rng, fresh, known, int(rng.triangular(250, 1400, 700))))
    kind = rng.choices(tuple(SUFFIXES), (4, 3, 1, 2))[0]
    title = f"{fresh[0].short} and {rng.choice(KINDS).capitalize()} Services"
    name = f"note-{index:05d}{SUFFIXES[kind]}"
    if kind == "md":
        return name, markdown(title, parts)
    if kind == "txt":
        return name, bullet_text(title, parts)
    if kind == "ocr":
        return name, ocr_text(rng, f"Section {index}: {title}", parts)
    return name, flashcards(title, parts)


def note_stream(seed: int, pool: NamePool | None = None) -> Iterator[tuple[str, str]]:
    """Notes without end, the same for the same seed; `pool` collects the services they name."""
    rng = random.Random(seed)
    pool = NamePool() if pool is None else pool
    index = 0
    while True:
        yield note(rng, pool, index)
        index += 1


def until_words(stream: Iterable[tuple[str, str]], words: int) -> Iterator[tuple[str, str]]:
    """Notes from `stream` until they hold at least `words` words."""
    total = 0
    for name, text in stream:
        if total >= words:
            return
        total += len(text.split())
        yield name, text


# ------------------------------------------------------------------ writing


@dataclass(frozen=True)
class NotesSummary:
    files: int
    words: int


def write(directory: Path, stream: Iterable[tuple[str, str]]) -> NotesSummary:
    directory.mkdir(parents=True, exist_ok=True)
    files = words = 0
    for name, text in stream:
        (directory / name).write_text(text + "\n", encoding="utf-8")
        files += 1
        words += len(text.split())
    return NotesSummary(files, words)


def write_notes(directory: Path, notes: int, seed: int = 7) -> NotesSummary:
    """Write `notes` notes into `directory`."""
    return write(directory, islice(note_stream(seed), notes))


def write_corpus(directory: Path, words: int, seed: int = 7) -> int:
    """Write notes until about `words` words; return the number of files."""
    return write(directory, until_words(note_stream(seed), words)).files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write synthetic study notes for benchmarks.")
    parser.add_argument("--notes", type=int, required=True, help="how many notes to write")
    parser.add_argument("--out", type=Path, required=True, help="directory to write them into")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    summary = write_notes(args.out, args.notes, args.seed)
    print(f"{summary.files} files, {summary.words} words -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
