"""Facts on the right subject, and the concepts an outline names: one table per rule of
ingest/outline.py and ingest/entities.py, then notes with the facts that must and must not come out."""

import json

import pytest

from ingest.entities import comparison_sides, discover, extends_known, kind_of_list, near_known
from ingest.names import load_gazetteer
from ingest.sources import read_document
from ingest.vocabulary import vocabulary

KINDS = [
    ("Isolation levels", "isolation level"),
    ("Publish types", "publish type"),
    ("Storage classes:", "storage class"),
    ("Use cases", ""),  # a category sets a relation, it names no kind
    ("Benefits", ""),
    ("Anti-patterns", ""),
    ("Isolation", ""),  # singular: a concept, no list of kinds
    ("Subscribers can be", ""),
    ("Create the buckets", ""),  # a saying, not a kind
]


@pytest.mark.parametrize(("text", "kind"), KINDS)
def test_kind_of_list(text: str, kind: str) -> None:
    assert kind_of_list(text) == kind


SIDES = [
    ("OLAP vs OLTP", ["OLAP", "OLTP"]),
    ("KDS vs. Amazon DynamoDB streams", ["KDS", "Amazon DynamoDB streams"]),
    ("SQS versus SNS", ["SQS", "SNS"]),
    ("Docker", []),
    ("When to use one vs the other, and why it matters so much", []),
]


@pytest.mark.parametrize(("text", "sides"), SIDES)
def test_comparison_sides(text: str, sides: list[str]) -> None:
    assert comparison_sides(text) == sides


EXTENSIONS = [
    ("Kinesis Data Streams API", True),  # a known name and a word more: no damaged spelling of it
    ("Amazon DynamoDB streams", True),
    ("Amazon API Goteway", False),
    ("Kinesis", False),
]


@pytest.mark.parametrize(("name", "expected"), EXTENSIONS)
def test_extends_known(name: str, expected: bool) -> None:
    assert extends_known(name, load_gazetteer()) is expected


NEAR = [  # a damaged spelling of a known name is none of its own; a sibling or a shorter name is
    ("Amazon API Goteway", True),
    ("Docker Repositones", True),
    ("S3 Standard", False),  # beside 'SQS Standard' (S3 and SQS are both known) and 'S3 Standard-IA'
    ("Kinesis Data Streams API", False),
]


@pytest.mark.parametrize(("name", "expected"), NEAR)
def test_near_known(name: str, expected: bool) -> None:
    table = load_gazetteer()
    table.add("SQS Standard", "Concept", ["SQS Standard"])
    table.add("S3 Standard-IA", "Concept", ["S3 Standard-IA"])
    table.add("Docker Repository", "Concept", ["Docker Repository", "Docker Repositories"])
    assert near_known(name, table) is expected


SECTIONS = [
    ("Scalability", "aspect"),
    ("## Anti-patterns", "area"),
    ("Troubleshooting", "area"),
    ("Resilience", "area"),
    ("Isolation", None),
    ("Total order", None),
]


@pytest.mark.parametrize(("heading", "kind"), SECTIONS)
def test_section_headings(heading: str, kind: str | None) -> None:
    assert vocabulary().section(heading.lstrip("# ")) == kind


NAMES = [  # note -> (name, label of the entity it must stand for, or None for no entity)
    ("## Isolation levels\n- read committed\n  - no dirty reads\n", ("read committed", "read committed")),
    ("## Ordering\n### Total order\n- implies causal order\n", ("Total order", "Total order")),
    ("## OLAP vs OLTP\n- OLTP is a transactional processing\n", ("OLTP", "OLTP")),
    ("## KDS vs Amazon DynamoDB streams\n- offers 24 hours\n", ("DynamoDB streams", "Amazon DynamoDB streams")),
    ("## Notes\n- 📝**Fan out (SNS -> SQS)**\n  - No data loss\n", ("Fan out", "Fan out")),
    ("## Notes\n- SSI is one strategy that is new\n", ("SSI", "SSI")),
    ("## Azure PowerShell\n- A shell\n", ("Azure PowerShell", "PowerShell")),
    ("## Kinesis Producer Library (KPL)\n### KPL Features\n- Batching\n", ("KPL Features", None)),
    ("## Kinesis Consumer Library (KCL)\n### KCL Sub Tasks\n- Connects to it\n", ("KCL Sub Tasks", None)),
    ("## Resilience\n- A record processor could fail\n", ("Resilience", None)),
    ("## Scalability\n- Scalable by shards\n", ("Scalability", None)),
    ("## Lambda Working\n- run on-demand\n", ("Lambda Working", None)),  # title case with a known name
    ("## SQS vs SNS\n- SQS: pull\n", ("SQS vs SNS", None)),
    (  # a title-case label with the head noun of the name its parent names
        "## Storage\n- AWS Storage Gateway = hybrid storage\n  - File Gateway: exposes S3 buckets via NFS\n",
        ("File Gateway", "File Gateway"),
    ),
    ("## Storage\n- Max Size: 5 TB\n", ("Max Size", None)),
    ("**ReplicaSet**: keeps a stable number of pods running\n", ("ReplicaSet", "ReplicaSet")),  # a bold term
    ("## Amazon SNS\n- **Retention**: you must process the data right away\n", ("Retention", None)),  # an aspect
    (  # a concept a card's question scopes ('object in S3') is also written 'object on S3'
        "## What is a object in S3?\n- A file\n## What is max size of an object on S3?\n- 5TB\n",
        ("object on S3", "S3 object"),
    ),
    ("## Snow\n- AWS Snowball: a device\n- Snowball Edge can launch EC2\n", ("AWS Snowball Edge", "Snowball Edge")),
    (
        "## Monitor\n- Application Insights uses Azure Monitor under the hood\n",
        ("Application Insights", "Application Insight"),
    ),
    ("## Lambda\n- Create Thumbnails for images\n", ("Create Thumbnails", None)),  # no verb after: a saying
    (  # a misspelled concept takes the spelling the note also writes
        "## Levels\n- linearilability\n  - a recency guarantee\n- uniqueness constraints need linearizability\n",
        ("linearizability", "linearilability"),
    ),
    (  # a side of a comparison with one noun after it under the heading, and with the name that noun follows
        "## SQS\n- SQS queue can trigger Lambda\n## Standard vs FIFO\n- FIFO queue = First In First Out\n",
        ("SQS FIFO queue", "FIFO"),
    ),
    ("## Standard vs FIFO\n- FIFO messages are ordered\n", ("FIFO messages", None)),  # a verb's subject, no name
    (  # a member of a kind list is also written with the kind's word
        "## Isolation levels\n- snapshot\n  - serial snapshot isolation is not linearizable\n",
        ("snapshot isolation", "snapshot"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_outline_names(tmp_path, text: str, expected: tuple[str, str | None]) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Notes\n\n" + text, encoding="utf-8")
    table = load_gazetteer()
    known = set(table.entities)
    discover([read_document(path)], table)
    name, label = expected
    key = table.key_for(name)
    if label is None:
        assert key is None or (key in known and table.entities[key].label != name)
    else:
        assert key is not None and table.entities[key].label == label


MEMBER_NAMES = [  # (a label under a plural kind, can it name a member of that kind)
    ("S3 Glacier", True),
    ("ReadOnly", True),
    ("Standard", True),
    ("Changes to locked resource", False),  # what happens to something
    ("Combine", False),  # what to do
]


@pytest.mark.parametrize(("label", "expected"), MEMBER_NAMES)
def test_member_name(label: str, expected: bool) -> None:
    from ingest.outline import member_name

    assert member_name(label) is expected


SUBJECTS = [  # (note, facts that must come out, facts that must not)
    (
        "# Transactions\n## Isolation\n### Isolation levels\n- read committed\n"
        "  - often implemented by having write locks on rows\n- snapshot\n  - good for analytics and backups\n",
        {
            ("read committed", "is_a", "isolation level"),
            ("snapshot", "is_a", "isolation level"),
            ("snapshot", "preferred_for", "analytics and backups"),
        },
        {("Isolation", "preferred_for", "analytics and backups")},
    ),
    (
        "# DB\n## ACID\n### Atomicity\n- no half results\n### Consistency\n- invariants hold\n"
        "### Isolation\n- writes appear sequential\n### Durability\n- data is not lost\n",
        {("ACID", "includes", "Isolation"), ("ACID", "includes", "Durability"), ("ACID", "includes", "Atomicity")},
        set(),
    ),
    (
        "# SNS\n## Amazon SNS\n- Publish types\n  - **Direct Publish** (for mobile apps SDK)\n"
        "    - Create a platform endpoint\n",
        {("Direct Publish", "is_a", "publish type"), ("Direct Publish", "creates", "platform endpoint")},
        {("Amazon SNS", "creates", "platform endpoint"), ("Amazon SNS", "has_property", "publish types")},
    ),
    (
        "# Kinesis Data Streams\n## Kinesis Consumer Library (KCL)\n- KCL takes care of many tasks\n"
        "### KCL Sub Tasks\n- Uses leases to coordinate shard associations\n",
        {("Kinesis Consumer Library", "uses", "leases")},
        set(),
    ),
    (  # "this is where ..." defines what its parent line names, not the topic
        "# DB\n## Levels\n- snapshot\n  - uses MVCC (Multi Version Concurrency Control) for transactions\n"
        "    - this is where each transaction has its own version\n"
        "  - locking can be loosened in the form of predicate locks\n"
        "    - this is where a lock occurs on a set of resources\n",
        {("Multi Version Concurrency Control", "has_property", "where each transaction has its own version")},
        {
            ("snapshot", "has_property", "where each transaction has its own version"),
            ("snapshot", "has_property", "where a lock occurs on a set of resources"),
        },
    ),
    (  # a lead-in that ends with a category noun sets the relation of its items
        "# DB\n## Levels\n- serializability\n  - avoids races\n  - solved in a few ways\n"
        "    - two phase lock\n    - optimistic concurrency control\n"
        "  - two phase lock\n    - this can lead to dead lock\n"
        "  - optimistic concurrency control\n    - assumes the best\n",
        {
            ("serializability", "uses", "two phase lock"),
            ("serializability", "uses", "optimistic concurrency control"),
        },
        set(),
    ),
    (
        "# Kinesis Data Streams\n## Scalability\n- Scalable by shards.\n",
        {("Amazon Kinesis Data Streams", "scales", "scalable by shards")},
        set(),
    ),
    (
        "# Kinesis Data Streams\n## Anti-patterns\n- Small scale consistent throughput\n",
        set(),
        {("Amazon Kinesis Data Streams", "is_a", "small scale consistent throughput")},
    ),
    (
        "# Queues\n## Standard vs FIFO\n- Standard queue:\n  - Unlimited throughput\n"
        "- FIFO queue = First In First Out\n  - Messages are processed in order\n"
        "  - Exactly-once processing, no duplicates\n",
        {("FIFO", "has_property", "exactly-once processing, no duplicates")},
        {("Standard", "has_property", "exactly-once processing, no duplicates")},
    ),
    (  # a plural heading that names a known kind lists members of it; a name that opens with the kind is no member
        "# Storage\n## Amazon S3\n### S3 Storage Classes\n- S3 Standard: general purpose\n"
        "- S3 Standard-IA (Infrequent Access): cheaper storage\n"
        "- Amazon S3 Glacier: low-cost storage meant for archiving\n- Lifecycle rules can move objects\n"
        "## Amazon EFS\n- Scales automatically, pay per use\n"
        "## Kinesis\n### Producers\n- Producer Optimization\n  - Multiple threads\n",
        {
            ("S3 Standard", "example_of", "S3 Storage Class"),
            ("Amazon S3 Glacier", "example_of", "S3 Storage Class"),
            ("Amazon S3 Glacier", "use_case", "archiving"),
            ("S3 Standard-IA", "pricing", "cheaper storage"),  # a label that ends in a bracket: '...):'
            ("Amazon EFS", "scales", "automatically"),  # an adverb alone is a whole object of 'scales'
        },
        {
            ("S3 Storage Class", "is_a", "lifecycle rules can move objects"),
            ("Producer Optimization", "example_of", "Producer"),
        },
    ),
    (
        "# Order\n## Total order\n- when every read and write can be sequenced\n- implies causal order\n"
        "- the following are equivalent concepts\n  - atomic commit\n",
        {
            ("Total order", "has_property", "implies causal order"),
            ("Total order", "has_property", "when every read and write can be sequenced"),
        },
        {
            ("Total order", "has_property", "atomic commit"),
            ("Total order", "is_a", "when every read and write can be sequenced"),
        },
    ),
    (  # "it is up to ...": a saying, not a kind
        "# ACID\n## Consistency\n- it is up to the application developer to keep invariants\n",
        {("Consistency", "has_property", "up to the application developer to keep invariants")},
        {("Consistency", "is_a", "up to the application developer to keep invariants")},
    ),
    (
        "# Kinesis\n## KDS vs Amazon DynamoDB streams\n"
        "- Amazon DynamoDB streams offers only 24 hours data retention vs. KDF (configurable)\n",
        {("Amazon Kinesis Data Streams", "compared_with", "Amazon DynamoDB streams")},
        {("Amazon DynamoDB streams", "provides", "Amazon Data Firehose")},
    ),
    (  # 'X API' is written 'X' too; 'Each X request' and then 'the request' are about X; 'GetRecords' is not X
        "# Kinesis\n## Batching\n- KPL collects records into a single PutRecords API call.\n"
        "## Kinesis Data Streams API\n- Each PutRecords request can support up to 500 records.\n"
        "- Each record in the request can be as large as 1 MB.\n- Thus, the application should call GetRecords.\n",
        {
            ("PutRecords API", "has_limit", "each PutRecords request can support up to 500 records"),
            ("PutRecords API", "has_limit", "each record in the request can be as large as 1 MB"),
        },
        {
            ("Kinesis Data Streams API", "has_limit", "each PutRecords request can support up to 500 records"),
            ("Kinesis Data Streams API", "uses", "PutRecords API"),
        },
    ),
    (  # 'It' after a sentence about a noun of no name is that noun; after the topic's own sentence it is the topic
        "# Kinesis\n## Kinesis Producer Library\n\n"
        "> To reduce overhead, the application must batch records. It also must deal with failures.\n\n"
        "- KPL batches records. It also retries failures.\n",
        {("Kinesis Producer Library", "has_property", "it also retries failures")},
        {("Kinesis Producer Library", "requires", "deal with failures")},
    ),
    (  # under an area heading, a later sentence of a point is about what the point opens with
        "# Kinesis\n## Anti-patterns\n"
        "- Storage: _Kinesis Data Streams is not suited for storage_. By default, data is retained for 24 hours.\n"
        "- Small scale – Even though Kinesis Data Streams works for small data, **_KDS is designed and optimized "
        "for larger data throughputs_**.\n"
        "## Scalability\n- Data is replicated across three Availability Zones.\n",
        {
            ("Amazon Kinesis Data Streams", "has_limit", "by default, data is retained for 24 hours"),
            ("Amazon Kinesis Data Streams", "preferred_for", "larger data throughputs"),
            ("Amazon Kinesis", "replicates_to", "three Availability Zones"),
        },
        set(),
    ),
    (  # a verb-led definition says what a thing is for; 'allows you to manage X' manages X
        "# Azure\n## Azure Advisor\nDefinition: Identifies unused resources and makes recommendations.\n"
        "## Azure Arc\nDefinition: Allows you to manage both Azure and non-azure resources\n\n"
        "Works for servers, Kubernetes, and SQL Server\n"
        "## Azure Monitor\n* Monitor applications, integrating them with PagerDuty, Jira, or Azure DevOps\n"
        "## Azure Service Health\nDefinition: Tracks the status of both the Azure status as well as your resources\n"
        "## Azure CLI\nDefinition: A CLI tool to execute commands that call the Azure REST API.\n\n"
        "It is almost the same as Azure PowerShell\n",
        {
            ("Azure Advisor", "use_case", "identifies unused resources and makes recommendations"),
            ("Azure Arc", "manages", "both Azure and non-azure resources"),
            ("Azure Arc", "supports", "Kubernetes"),
            ("Azure Monitor", "integrated_with", "PagerDuty"),
            ("Azure Monitor", "integrated_with", "Azure DevOps"),
            ("Azure Service Health", "monitors", "both the Azure status as well as your resources"),
            ("Azure CLI", "uses", "RESTful API"),
            ("Azure CLI", "alternative_to", "PowerShell"),
        },
        {("Azure Advisor", "has_property", "identifies unused resources and makes recommendations")},
    ),
]


ACTORS = [  # a clause whose subject is an actor or a quotation under a section: not the section's relation
    (
        "# Streams\n## Producer Library\n### What it handles:\n- Multi-threading\n\n"
        "> In a cost-optimal architecture, we all want few shards, but still be able to ingest all data.\n\n"
        "> To reduce overhead, the application must batch records and implement parallel requests.\n",
        {("Producer Library", "supports", "multi-threading")},
        {
            ("Producer Library", "requires", "batch records and implement parallel requests"),
            ("Producer Library", "has_property", "still be able to ingest all data"),
            ("Producer Library", "supports", "in a cost-optimal architecture, we all want few shards"),
        },
    ),
    (
        "# Streams\n## Producer Optimization\n- Mobile apps must handle intermittent connections and need "
        "some sort of batch put.\n",
        set(),
        {("Producer Optimization", "requires", "some sort of batch put")},
    ),
    (  # the vendor of the topic's name acting is no doing of the topic
        "# Containers\n## AWS Fargate\n- AWS manages the underlying host, so you don't patch it\n",
        {("AWS Fargate", "has_property", "AWS manages the underlying host, so you don't patch it")},
        {("AWS Fargate", "manages", "underlying host")},
    ),
    (  # a noun phrase naming nothing known as the subject of a relation's verb: that noun's, not the topic's
        "# Streams\n## Producer Library\n- Buffer time: how long a record waits. Large value provides better "
        "performance, but causes delay.\n",
        set(),
        {("Producer Library", "provides", "better performance"), ("Producer Library", "has_property", "causes delay")},
    ),
    (  # 'some dbs ...': some other things, and the clauses that go on about them
        "# Isolation levels\n- snapshot\n  - still doesn't provide atomic writes\n"
        "    - some dbs provide atomic write abilities but its up to the user to use them\n"
        "    - some dbs have the concept of constraints\n",
        set(),
        {
            ("snapshot", "has_property", "some dbs provide atomic write abilities"),
            ("snapshot", "has_property", "its up to the user to use them"),
            ("snapshot", "has_property", "some dbs have the concept of constraints"),
        },
    ),
    (  # ... but what a noun of the topic must do is the topic's requirement, said whole
        "# Storage\n## Amazon S3\n- Bucket names must be globally unique\n",
        {("Amazon S3", "requires", "bucket names must be globally unique")},
        set(),
    ),
    (
        "# Containers\n## Amazon ECS\n- AWS takes care of starting / stopping containers\n",
        {("Amazon ECS", "has_property", "AWS takes care of starting / stopping containers")},
        set(),
    ),
    (  # an aside in brackets names nothing the category gives
        "# Streams\n## Producer Library\n### What it handles:\n"
        "- Batching records, instead of sending records one by one (You can save on HTTP Headers space)\n",
        {("Producer Library", "supports", "batching records, instead of sending records one by one")},
        {("Producer Library", "supports", "HTTP Header")},
    ),
    (  # an aside's clauses say nothing of the topic
        "# Streams\n## Producer Library\n- Batching records (You can save on HTTP Headers space; instead of "
        "headers being sent in every request, batching saves on that bandwidth)\n",
        set(),
        {
            ("Producer Library", "stored_in", "HTTP Header"),
            ("Producer Library", "alternative_to", "headers being sent in every request"),
        },
    ),
    (  # a plural pronoun points at what the parent line lists, not at the topic; 'these queries' names its noun
        "# DB\n## serializability\n- actual serial execution\n  - stored procedures\n"
        "    - these generally are run on one thread to ensure ordering\n"
        "    - these need to be very quick\n"
        "## OLAP\n- these queries can seriously affect performance\n",
        {("OLAP", "has_property", "these queries can seriously affect performance")},
        {
            ("serializability", "has_property", "these generally are run on one thread to ensure ordering"),
            ("serializability", "has_property", "these need to be very quick"),
        },
    ),
    (  # a remark on a saying above it ('doesn't scale well') is about that saying, not the topic
        "# Order\n## Causal order\n- to provide this you need to track reads\n"
        "  - this can be done with version vectors\n    - doesn't scale well\n"
        "- sequence numbers\n  - preferrably with a logical clock\n",
        set(),
        {
            ("Causal order", "has_limit", "doesn't scale well"),
            ("Causal order", "has_property", "preferrably with a logical clock"),
        },
    ),
    (  # a clause after 'but' with no subject goes on about the one the sentence named, not the topic
        "# DB\n## optimistic concurrency control\n- assumes the best\n"
        "  - SSI is one strategy, but needs more research before becoming the industry standard\n",
        set(),
        {("optimistic concurrency control", "requires", "more research before becoming the industry standard")},
    ),
    (  # a bracket of examples is no aside
        "# Events\n## Amazon EventBridge\n- Event sources:\n  - AWS services (EC2 state changes, S3 uploads)\n",
        {("Amazon EventBridge", "triggered_by", "Amazon EC2"), ("Amazon EventBridge", "triggered_by", "Amazon S3")},
        set(),
    ),
    (  # 'Application' opening a noun phrase is no actor
        "# Events\n## Amazon EventBridge\n- Use cases:\n  - Application integration with SaaS platforms\n",
        {("Amazon EventBridge", "use_case", "application integration with SaaS platforms")},
        set(),
    ),
    (
        "# Streams\n## Kinesis Data Streams API\n- Each PutRecords request can support up to 500 records.\n",
        {("Kinesis Data Streams API", "has_limit", "each PutRecords request can support up to 500 records")},
        set(),
    ),
]


@pytest.mark.parametrize(("text", "must", "must_not"), ACTORS)
def test_actors_and_quotes(extract_facts, text: str, must: set, must_not: set) -> None:
    got = extract_facts(text)
    assert must <= got, sorted(got)
    assert not must_not & got, sorted(must_not & got)


CARDS = [  # (JSON cards, facts that must come out, facts that must not): an answer is about its question's subject
    (
        [
            ("What is a object in S3?", "It's simply a file and metadata."),
            ("What is max size of an object on S3?", "5TB"),
            ("Are S3 object mutable?", "No, S3 objects are immutable."),
        ],
        {("S3 object", "has_limit", "5 TB"), ("S3 object", "has_property", "immutable")},
        {("Amazon S3", "has_limit", "5 TB"), ("S3 object", "has_limit", "no, S3 objects are immutable")},
    ),
    (
        [("What is a S3 bucket and what are the limits?", "A bucket is a namespace for objects.")],
        {("S3 bucket", "is_a", "namespace for objects")},  # which answer is the limit is not known
        {("S3 bucket", "has_limit", "bucket is a namespace for objects")},
    ),
    (
        [("What are the main categories of storage?", "Object storage (S3, Glacier), Block storage (EBS)")],
        {("Amazon S3", "is_a", "object storage"), ("Amazon EBS", "is_a", "block storage")},
        set(),
    ),
]


@pytest.mark.parametrize(("cards", "must", "must_not"), CARDS)
def test_card_answers(extract_facts, cards: list[tuple[str, str]], must: set, must_not: set) -> None:
    got = extract_facts(json.dumps([{"question": q, "answer": a} for q, a in cards]), "cards.json")
    assert must <= got, sorted(must - got)
    assert not must_not & got, sorted(must_not & got)


@pytest.mark.parametrize(("text", "must", "must_not"), SUBJECTS)
def test_subjects(extract_facts, text: str, must: set, must_not: set) -> None:
    got = extract_facts(text)
    assert must <= got, sorted(must - got)
    assert not must_not & got, sorted(must_not & got)
