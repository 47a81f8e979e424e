"""Tables of (note text, facts that must come out, facts that must not), one table per kind of sentence."""

from pathlib import Path

import pytest

MUST, MUST_NOT = "must", "must_not"

RELATIONS = [
    # explicit subjects and relation cues
    (
        "## AWS Batch\n- Batch jobs are defined as Docker images and run on ECS\n",
        {("AWS Batch", "runs_on", "Amazon ECS"), ("batch job", "runs_on", "Amazon ECS")},
        set(),
    ),
    (
        "## Fargate - abstraction over ECS\n- Serverless offering\n",
        {("AWS Fargate", "abstraction_over", "Amazon ECS")},
        set(),
    ),
    (
        "## ECR\n- This is where you store your Docker images so they can be run by ECS or Fargate\n",
        {
            ("Amazon ECR", "stores", "Docker image"),
            ("Docker image", "stored_in", "Amazon ECR"),
            ("Docker image", "runs_on", "AWS Fargate"),
            ("Docker image", "runs_on", "Amazon ECS"),
        },
        set(),
    ),
    (
        "## Docker\n- Docker images are stored in Docker Repositories\n",
        {("Docker image", "stored_in", "Docker Repository"), ("Docker Repository", "stores", "Docker image")},
        {("Docker", "stored_in", "Docker Repository")},
    ),
    (
        "## Lambda Summary\n- Use cases:\n  - Create Thumbnails for images uploaded onto S3\n",
        {
            ("AWS Lambda", "triggered_by", "Amazon S3"),
            ("Amazon S3", "triggers", "AWS Lambda"),
            ("AWS Lambda", "use_case", "create Thumbnails for images uploaded onto S3"),
        },
        set(),
    ),
    (
        "## Amazon API Gateway\n- Supports RESTful APIs and WebSocket APIs\n"
        "- Support for security, user authentication, API keys, monitoring.\n",
        {
            ("Amazon API Gateway", "supports", "RESTful API"),
            ("Amazon API Gateway", "supports", "WebSocket API"),
            ("Amazon API Gateway", "supports", "monitoring"),
            ("Amazon API Gateway", "supports", "user authentication"),
        },
        set(),
    ),
    (
        "## What's serverless?\n- Serverless was pioneered by AWS Lambda\n",
        {("serverless", "pioneered_by", "AWS Lambda"), ("AWS Lambda", "pioneered", "serverless")},
        set(),
    ),
    (
        "## Amazon Lightsail\n- Simpler alternative to using EC2, RDS, EBS\n- Great for people with little cloud experience!\n",
        {
            ("Amazon Lightsail", "alternative_to", "Amazon EC2"),
            ("Amazon Lightsail", "alternative_to", "Amazon EBS"),
            ("Amazon Lightsail", "preferred_for", "people with little cloud experience"),
        },
        set(),
    ),
    (
        "## Docker versus Virtual Machines\n- VM emulates machine hardware whereas Docker emulates the operating system\n",
        {("virtual machine", "emulates", "machine hardware"), ("virtual machine", "compared_with", "Docker")},
        set(),
    ),
    (
        "## Flashy\n- ECS / Fargate is preferred for running arbitrary Docker images\n",
        {
            ("AWS Fargate", "preferred_for", "running arbitrary Docker images"),
            ("Amazon ECS", "preferred_for", "running arbitrary Docker images"),
        },
        set(),
    ),
    (
        "## AWS Batch\n- Batch will dynamically launch EC2 instances or Spot Instances\n",
        {("AWS Batch", "launches", "Amazon EC2"), ("AWS Batch", "launches", "Spot Instance")},
        set(),
    ),
]

ATTRIBUTES = [
    (
        "## Lambda Summary\n- Invocation time: up to 15 minutes\n",
        {("AWS Lambda", "has_limit", "invocation time: up to 15 minutes")},
        set(),
    ),
    (
        "## Benefits of AWS Lambda\n- Easy to get more resources per functions (up to 10GB of RAM!)\n",
        {("AWS Lambda", "has_limit", "easy to get more resources per functions (up to 10 GB of RAM!)")},
        set(),
    ),
    (
        "## AWS Lambda Pricing\n- $0.20 per 1 million requests thereafter\n",
        {("AWS Lambda", "pricing", "$0.20 per 1 million requests thereafter")},
        set(),
    ),
    (
        "## Amazon Lightsail\n- Virtual servers, storage, databases, and networking\n- Low & predictable pricing\n",
        {
            ("Amazon Lightsail", "is_a", "virtual servers, storage, databases, and networking"),
            ("Amazon Lightsail", "pricing", "low and predictable pricing"),
        },
        set(),
    ),
    (
        "## Amazon Lightsail\n- Use cases: Simple web apps, websites, dev / test environment\n",
        {("Amazon Lightsail", "use_case", "simple web apps"), ("Amazon Lightsail", "use_case", "websites")},
        set(),
    ),
    (
        "## AWS Lambda language support\n- Node.js (JavaScript)\n- Python\n- C# / Powershell\n",
        {
            ("AWS Lambda", "supports_language", "Python"),
            ("AWS Lambda", "supports_language", "JavaScript"),
            ("AWS Lambda", "supports_language", "PowerShell"),
            ("AWS Lambda", "supports_language", "C#"),
        },
        set(),
    ),
    (
        "## What's serverless?\n- Serverless is a new paradigm in which developers don't manage servers\n",
        {("serverless", "is_a", "new paradigm")},
        set(),
    ),
]

NEGATIONS = [
    (
        "## Fargate\n- You do not provision the infrastructure (no EC2 instances to manage)\n",
        {
            (
                "AWS Fargate",
                "has_property",
                "you do not provision the infrastructure (no EC2 instances to manage)",
            )
        },
        {("AWS Fargate", "provisions", "infrastructure"), ("AWS Fargate", "provisions", "Amazon EC2")},
    ),
    (
        "## Amazon Lightsail\n- Has high availability but no auto-scaling, limited AWS integrations\n",
        {
            ("Amazon Lightsail", "has_limit", "no auto-scaling"),
            ("Amazon Lightsail", "has_limit", "limited AWS integrations"),
            ("Amazon Lightsail", "has_property", "has high availability"),
        },
        {("Amazon Lightsail", "scales", "no auto-scaling")},
    ),
    (
        "## Batch vs Lambda\n\n| Batch | Lambda |\n| --- | --- |\n| No time limit | Time limit |\n",
        {
            ("AWS Batch", "has_property", "no time limit"),
            ("AWS Lambda", "has_limit", "time limit"),
            ("AWS Batch", "compared_with", "AWS Lambda"),
        },
        {("AWS Batch", "has_limit", "time limit"), ("AWS Batch", "has_limit", "no time limit")},
    ),
    (
        "## Lambda Summary\n- Language Support: many programming languages except (arbitrary) Docker\n",
        set(),
        {("AWS Lambda", "supports", "Docker")},
    ),
    (
        "## Docker\n- Docker is not quite a virtualisation technology\n",
        {("Docker", "has_property", "docker is not quite a virtualisation technology")},
        {("Docker", "is_a", "virtualisation technology")},
    ),
]

ALIASES_AND_OCR = [
    # an acronym that is also a word matches only in capitals: 'means' is not MEAN
    (
        "# Lightsail\n## Amazon Lightsail\n- Has templates for LAMP and MEAN\n"
        "- Serverless does not mean there are no servers, it just means you don't have to manage them\n",
        {("Amazon Lightsail", "supports", "MEAN")},
        {("MEAN", "manages", "Amazon Lightsail"), ("MEAN", "manages", "serverless")},
    ),
    # a name's last word inside a longer capitalised name is not that name; written whole, or alone, it is
    (
        "# Azure\n## Azure Portal\n- A web console\n### Service Trust Portal\n"
        "Definition: Centralized location for compliance.\n",
        {("Azure Portal", "is_a", "web console")},
        {("Azure Portal", "is_a", "centralized location for compliance")},
    ),
    (
        "# Azure\n## Azure Portal\n- A web console\n## Azure Advisor\n- Shown in the Portal\n",
        {("Azure Advisor", "has_property", "shown in the Portal")},
        set(),
    ),
    # OCR damage linked by fuzzy matching with the section as context, none of these typos is listed
    (
        "What is Docker?\n\n- · Docket is a software development platform to deploy app.\n",
        {("Docker", "is_a", "software development platform to deploy app")},
        set(),
    ),
    (
        "ECS\n· Launch Dodcer containers on Aws. · Has integrations with the Application load Balancer.\n",
        {
            ("Amazon ECS", "launches", "container"),
            ("Amazon ECS", "integrated_with", "Application Load Balancer"),
        },
        set(),
    ),
    (
        "Lambda Summary\n- Use Cases: 1) Create thumbnail for images uploaded onto 53.\n- Amazon S3 stores objects\n",
        {("AWS Lambda", "triggered_by", "Amazon S3")},
        set(),
    ),
    ("Batch Vs Lamba\n- Batch: no time limit\n", {("AWS Batch", "compared_with", "AWS Lambda")}, set()),
    (
        "Amazon API Goteway\n- Supports RESTful APIs\n",
        {("Amazon API Gateway", "supports", "RESTful API")},
        set(),
    ),
    # a list of objects ends before 'etc'; a list of actions is no list of objects
    (
        "## Amazon Kinesis\n- The agent handles file rotation, checkpointing, etc.\n",
        {("Amazon Kinesis", "supports", "file rotation")},
        {("Amazon Kinesis", "supports", "etc"), ("Amazon Kinesis", "supports", "etc.")},
    ),
    (
        "## Azure Cost Management\n- Helps you manage subscriptions, monitor, optimize and control spending\n",
        {("Azure Cost Management", "manages", "subscriptions")},
        {("Azure Cost Management", "monitors", "control spending")},
    ),
    # a vendor-less alias of another vendor's product than the note names is not that product
    (
        "## Azure DevOps\n- Artifacts are stored in Azure Storage\n- Azure DevOps uses Artifacts for packages\n",
        set(),
        {("AWS Artifact", "stored_in", "Azure Storage"), ("Azure DevOps", "uses", "AWS Artifact")},
    ),
    (
        "## AWS Compliance\n- Artifact provides compliance reports\n",
        {("AWS Artifact", "provides", "compliance reports")},
        set(),
    ),
    # aliases the text defines itself
    (
        "## Widgets\n- Amazon Simple Widget Service (SWS) stores widgets\n- SWS runs on EC2\n",
        {("Amazon Simple Widget Service", "runs_on", "Amazon EC2")},
        set(),
    ),
    (
        "## QQE\n- QQE = Quantum Queue Exchange\n- QQE integrates with Amazon SQS\n",
        {("Quantum Queue Exchange", "integrated_with", "Amazon SQS")},
        set(),
    ),
]

STRUCTURE = [
    # flashcards: Q is the heading, the rating boilerplate is dropped
    (
        "1\nQ\n\nElastic Container Service (ECS)\n\nA\n\nIs a fully managed container orchestration service that "
        "makes it easy to deploy.\n\nHow well did you know this?\n1\nNot at all\n2\n3\n4\n5\nPerfectly\n"
        "2\nQ\n\nFargate\n\nA\n\n• Launch Docker containers on AWS\n\nHow well did you know this?\n1\nNot at all\n5\nPerfectly\n",
        {
            ("Amazon ECS", "is_a", "fully managed container orchestration service"),
            ("AWS Fargate", "launches", "container"),
        },
        set(),
    ),
    # arrow flows: verbs between steps name the relation
    (
        "## Example\n- New image in S3 > Trigger > AWS Lambda Function > Push > New thumbnail in S3\n",
        {
            ("Amazon S3", "triggers", "AWS Lambda"),
            ("AWS Lambda", "triggered_by", "Amazon S3"),
            ("AWS Lambda", "pushes_to", "Amazon S3"),
        },
        set(),
    ),
    # layered stacks: each layer runs on the one before
    (
        "## Docker\n- Docker architecture: Infrastructure --> Host OS (EC2 Instance) --> Docker Daemon --> Many containers\n",
        {
            ("Docker Daemon", "runs_on", "Host OS"),
            ("Docker Daemon", "runs_on", "Amazon EC2"),
            ("Docker", "uses", "Docker Daemon"),
            ("container", "runs_on", "Docker Daemon"),
        },
        set(),
    ),
    # two 'Label:' lists side by side compare the two only when each label is an entity's name alone
    (
        "## Why use AWS Lambda?\n- EC2:\n  - Continuously running\n- Lambda:\n  - Run on-demand\n",
        {("AWS Lambda", "compared_with", "Amazon EC2")},
        set(),
    ),
    (
        "## Serverless\n- Lambda pricing:\n  - per request\n- Fargate tasks for:\n  - long jobs\n",
        set(),
        {("AWS Lambda", "compared_with", "AWS Fargate")},
    ),
    # sibling labels under a category: members and their contrast
    (
        "## Where are Docker images stored?\n- Docker images are stored in Docker Repositories\n"
        "- Public: Docker Hub\n- Private: Amazon ECR (Elastic Container Registry)\n",
        {
            ("Docker Hub", "is_a", "public Docker Repository"),
            ("Amazon ECR", "is_a", "private Docker Repository"),
            ("Docker Hub", "compared_with", "Amazon ECR"),
        },
        set(),
    ),
    # a point stated for two services, once negated, compares them
    (
        "## ECS\n- You must provision & maintain the infrastructure\n## Fargate\n- You do not provision the infrastructure\n",
        {
            ("AWS Fargate", "compared_with", "Amazon ECS"),
            ("Amazon ECS", "requires", "provision and maintain the infrastructure"),
        },
        set(),
    ),
    # examples listed under a heading that names the class
    (
        "## Some of the serverless services in AWS\n- S3\n- DynamoDB\n",
        {("Amazon S3", "example_of", "serverless"), ("Amazon DynamoDB", "example_of", "serverless")},
        set(),
    ),
]

# Removals for precision (issue 11): what is not certain makes no fact.
UNCERTAIN = [
    (  # OCR: after '@ Batch :- ...' the points are Batch's or unreadable, not the heading-like line's above
        "Batch Vs Lamba\nOlambda: + O Time Limit (15 min)\n@ Serverless\n@ Batch :- No time limit\n"
        "@ Relies on EC2 (can be managed by AWS).\n",
        set(),
        {("serverless", "depends_on", "Amazon EC2")},
    ),
    (  # a line that introduces a list states nothing itself
        "## Docker\n- Find base images for many technologies or OS:\n  - Ubuntu\n",
        set(),
        {("Docker", "has_property", "find base images for many technologies or OS")},
    ),
    (  # a category word inside a name is part of the name
        "## Azure Pricing Calculator\n- A calculator that estimates cost based on your requirements\n",
        set(),
        {("Azure Pricing Calculator", "pricing", "calculator that estimates cost based on your requirements")},
    ),
    (  # a misspelt 'which' opens a relative clause about the noun before it, as 'which' does
        "## PowerShell\n- Deploy an entire infrastructure wich might contain hundreds of resources\n",
        set(),
        {("PowerShell", "includes", "hundreds of resources")},
    ),
    (  # an adverbial that qualifies the line above is no property of its own
        "## Resource Lock\n- Prevents deletion\n  - Regardless of RBAC permissions.\n",
        set(),
        {("Resource Lock", "has_property", "regardless of RBAC permissions")},
    ),
    (
        "## Amazon S3\n- Versioning can be enabled\n  - Only at the bucket level.\n",
        set(),
        {("Amazon S3", "has_property", "only at the bucket level")},
    ),
    (  # a noun right before the verb is the clause's own subject: the saying is kept whole, no relation
        "## Linearizability\n- when a read sees the new value all other reads must see the new value too\n",
        set(),
        {("Linearizability", "requires", "see the new value too")},
    ),
    (
        "## Snapshot\n- some dbs provide automatic detection for clobbering\n",
        set(),
        {("Snapshot", "provides", "automatic detection for clobbering")},
    ),
    (  # a choice between alternatives is what to do, not a kind
        "## Producer\n- Large Producer: Either batch & aggregate (KPL or PutRecords)\n",
        set(),
        {("Producer", "is_a", "either batch and aggregate (KPL or PutRecords)")},
    ),
    (  # a likeness is a comparison, not a kind
        "## Azure CLI\n- It is almost the same as Azure PowerShell\n",
        set(),
        {("Azure CLI", "is_a", "almost the same as Azure PowerShell")},
    ),
    (  # a value cut off mid-phrase
        "## Amazon S3\n- You can use your own library, or the SDK\n",
        set(),
        {("Amazon S3", "uses", "your own library, or")},
    ),
    (  # a participle clause after a comma is a point of its own, about the noun before it
        "## Azure Monitor\n- Monitor applications, integrating them with PagerDuty or Azure DevOps\n"
        "- Monitor and optimize your infrastructure, including VMs, K8s, and Storage\n",
        {("Azure Monitor", "monitors", "applications")},
        {("Azure Monitor", "monitors", "Azure DevOps"), ("Azure Monitor", "includes", "Kubernetes")},
    ),
    (  # a relative clause is about its own noun
        "## Azure CLI\n- Deploy an entire infrastructure which might contain hundreds of resources\n",
        set(),
        {("Azure CLI", "includes", "hundreds of resources")},
    ),
    (  # a line that is only a link points somewhere, it states nothing
        "## Cost management\n- [Learning Module](https://learn.example.org/cost)\n",
        set(),
        {("Cost management", "pricing", "learning Module")},
    ),
    (  # a card's question states nothing
        '[{"fields": {"question": "Are S3 object mutable?", "answer": "No, S3 objects are immutable."}}]',
        set(),
        {("Amazon S3", "is_a", "S3 object mutable")},
    ),
    (  # ', monitoring.' ending a list is a noun, not a clause
        "## Amazon API Gateway\n- Support for security, API throttling, API keys, monitoring.\n",
        {("Amazon API Gateway", "supports", "monitoring"), ("Amazon API Gateway", "supports", "API keys")},
        set(),
    ),
]


@pytest.mark.parametrize(
    ("text", "must", "must_not"), RELATIONS + ATTRIBUTES + NEGATIONS + ALIASES_AND_OCR + STRUCTURE + UNCERTAIN
)
def test_extraction_table(extract_facts, text, must, must_not):
    name = (
        "deck.txt"
        if "\nQ\n" in text
        else "cards.json"
        if text.startswith("[")
        else ("note.txt" if not text.startswith("#") else "note.md")
    )
    got = extract_facts(text, name)
    assert must <= got, f"missing {sorted(must - got)}\ngot {sorted(got)}"
    assert not (must_not & got), f"must not extract {sorted(must_not & got)}"


def test_ocr_typos_are_not_listed_in_the_gazetteer():
    from kg.locations import GAZETTEER_FILE

    text = GAZETTEER_FILE.read_text(encoding="utf-8").lower()
    for typo in ("ecz", "lamba", "docket", "dodcer", "goteway", "amazon 53"):
        assert typo not in text


def test_gazetteer_lists_no_relations():
    import tomllib

    from kg.locations import GAZETTEER_FILE
    from kg.ontology import load_ontology

    data = tomllib.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    assert set(data) == {"case_sensitive", "types"}
    assert set(data["types"]) <= load_ontology().classes


@pytest.mark.parametrize(
    ("relation", "verb", "inverse", "literal"),
    [
        ("runs_on", "runs on", None, False),
        ("triggers", "triggers", "triggered_by", False),
        ("alternative_to", "is an alternative to", "alternative_to", False),
        ("pricing", "is priced", None, True),
    ],
)
def test_relation_registry(relation: str, verb: str, inverse: str | None, literal: bool) -> None:
    from kg.ontology import load_ontology

    declared = load_ontology().relations[relation]
    assert (declared.verb, declared.inverse, declared.literal) == (verb, inverse, literal)


FORMATS = Path(__file__).parent / "data" / "formats"

# Notes of other formats and topics (tests/data/formats): (file, facts that must come out, must not).
FORMAT_NOTES = [
    (
        "networking.tsv",  # an Anki export: front TAB back, <br> between the answer's lines
        {
            ("TCP", "is_a", "connection-oriented transport protocol"),
            ("UDP", "is_a", "connectionless transport protocol"),
            ("UDP", "use_case", "streaming and DNS lookups"),
            ("subnet", "is_a", "range of IP addresses within a network"),
            ("NAT", "protects", "internal hosts from direct access"),
        },
        set(),
    ),
    (
        "git-cards.json",  # a JSON list of question/answer cards
        {
            ("commit", "is_a", "snapshot of the repository at a point in time"),
            ("branch", "is_a", "movable pointer to a commit"),
            ("merge conflict", "requires", "manual resolution"),
        },
        set(),
    ),
    (
        "database-theory.md",  # front matter, nested concepts, a glossary, an aspect table and a term table
        {
            ("B-tree index", "preferred_for", "range queries"),
            ("B-tree index", "has_property", "keeps keys sorted in a balanced tree"),
            ("hash index", "preferred_for", "equality lookups"),
            ("hash index", "has_limit", "cannot answer range queries"),
            ("Write-ahead log", "is_a", "file where every change is recorded before it is applied"),
            ("Checkpoint", "is_a", "point where dirty pages are flushed to disk"),
            ("InnoDB", "is_a", "transactional engine"),
            ("MyISAM", "is_a", "non-transactional engine"),
            ("InnoDB", "has_limit", "64 TB"),
            ("MyISAM", "has_limit", "256 TB"),
            ("InnoDB", "supports", "foreign keys"),
            ("MyISAM", "has_limit", "no foreign keys"),
            ("InnoDB", "compared_with", "MyISAM"),
            ("Tablespace", "is_a", "storage location"),
        },
        {
            ("InnoDB", "is_a", "non-transactional engine"),  # a cell never goes to the other column
            ("MyISAM", "has_limit", "64 TB"),
            ("Index", "has_property", "keeps keys sorted in a balanced tree"),  # the list item is the subject
        },
    ),
]


@pytest.mark.parametrize(("name", "must", "must_not"), FORMAT_NOTES)
def test_formats(extract_facts, name: str, must: set, must_not: set) -> None:
    got = extract_facts((FORMATS / name).read_text(encoding="utf-8"), name)
    assert must <= got, f"missing {sorted(must - got)}\ngot {sorted(got)}"
    assert not (must_not & got), f"must not extract {sorted(must_not & got)}"


# Readers: (file name, text, expected statements as (kind, text, parent's text)).
READERS = [
    (
        "cards.json",
        '[{"question": "What is X?", "answer": "A thing. It is small."}, {"front": "Y", "back": "Why"}]',
        [
            ("heading", "What is X?", None),
            ("item", "A thing.", "What is X?"),
            ("item", "It is small.", "What is X?"),
            ("heading", "Y", None),
            ("item", "Why", "Y"),
        ],
    ),
    (
        "deck.tsv",
        "#separator:tab\nFront one\tBack one<br>Back two\tsome-tag\nFront two\tBack three\n",
        [
            ("heading", "Front one", None),
            ("item", "Back one", "Front one"),
            ("item", "Back two", "Front one"),
            ("heading", "Front two", None),
            ("item", "Back three", "Front two"),
        ],
    ),
    (
        "note.md",
        "---\ntitle: Not a subject\n---\n# Topic\n- item\n",
        [("heading", "Topic", None), ("item", "item", "Topic")],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), READERS)
def test_readers(tmp_path: Path, name: str, text: str, expected: list) -> None:
    from ingest.sources import read_document

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    got = [(st.kind, st.text, p.text if (p := doc.parent(st)) else None) for st in doc.statements]
    assert got == expected


@pytest.mark.parametrize(
    ("cue", "kind", "pattern"),
    [
        ("entity: ~run on|atop", "entity", [{"LEMMA": "run"}, {"LOWER": {"IN": ["on", "atop"]}}]),
        ("region: must be|have?", "region", [{"LOWER": "must"}, {"LOWER": {"IN": ["be", "have"]}, "OP": "?"}]),
        ("clause: up to #", "clause", [{"LOWER": "up"}, {"LOWER": "to"}, {"LIKE_NUM": True}]),
    ],
)
def test_cue_syntax(cue: str, kind: str, pattern: list) -> None:
    from ingest.cues import parse_cue

    assert parse_cue(cue) == (kind, pattern)


@pytest.mark.parametrize("bad", ["~run on", "thing: run", "entity:"])
def test_bad_cues_are_refused(bad: str) -> None:
    from ingest.cues import parse_cue

    with pytest.raises(ValueError, match="bad cue"):
        parse_cue(bad)


def test_every_cue_names_a_declared_relation() -> None:
    from ingest.cues import CUES
    from kg.ontology import load_ontology

    assert {cue.predicate for cue in CUES.values()} <= set(load_ontology().relations)


# Values cut off mid-phrase make no fact: (value, is it a fragment).
FRAGMENTS = [  # (value, its relation, is it a fragment)
    ("your own library, or", "uses", True),
    ("SDK)", "uses", True),
    ("you to", "", True),
    ("specifically", "provides", True),  # an object's verb
    ("specifically", "has_property", True),  # an adverb after a preposition ("is described as")
    ("automatically", "scales", False),  # an adverb after a verb that ends its phrase says how
    ("monthly", "pricing", False),  # "is priced monthly"
    ("automatically", "", True),
    ("optimize", "", True),
    ("and scale containerized applications", "", True),
    ("retried", "", True),
    ("but you can't SSH into your RDS instances", "", False),
    ("you can find overall pricing information here", "", True),
    ("for simple human notification, choose SNS, e.g", "", True),
    ("monitoring", "", False),
    ("10 GB", "", False),
    ("run a serverless cron job", "", False),
    ("pay per request (per 1M requests)", "", False),
]


@pytest.mark.parametrize(("value", "relation", "expected"), FRAGMENTS)
def test_fragments(value: str, relation: str, expected: bool) -> None:
    from ingest.values import fragment

    assert fragment(value, relation) is expected


# OCR lines of three or more short cells split by tabs are a diagram's labels: (line, is it one).
DIAGRAM_CELLS = [
    ("\t\tSpot Instance\tProcessed\t53", True),
    ("Apps\tApps\tApps\t0\tentainer\tContainer", True),
    ("- Helpful\tfor c\tost optimization\t13 7 mas\ting less", True),
    ("- Supports RESTFUL APIS & Websocke\t+ APIS", False),  # two cells: a line the OCR split
    ("Batch jobs are defined as Docker images\tand run on ECS\tfor hours", False),  # long cells: prose
    ("Spot Instance Processed 53", False),
]


@pytest.mark.parametrize(("line", "expected"), DIAGRAM_CELLS)
def test_diagram_cells(line: str, expected: bool) -> None:
    from ingest.pipeline import diagram_cells

    assert diagram_cells(line) is expected


# A note that names an entity only by a short form that is an English word speaks of that word, not of the
# entity: (names, label first, note text, named only by its short form).
SHORT_FORMS = [
    (["Node.js", "NodeJS", "Node"], "**Node**: a worker machine that runs pods.", True),
    (["Node.js", "NodeJS", "Node"], "Templates for LAMP, MEAN, Node.js", False),
    (["Node.js", "NodeJS", "Node"], "- Mysal - NodeJs, Java\nLAMP, MEAN, Node, js", False),
    (["Amazon DynamoDB", "DynamoDB", "Dynamo"], "Dynamo-style leaderless replication", True),
    (["container", "containers"], "containers run on a host", False),  # a plural is no short form
    (["Go", "Golang"], "Go to the console", False),  # the label itself
    (["AWS Lambda", "Lambda"], "Lambda runs code", False),  # a dropped vendor, not a word cut short
]


@pytest.mark.parametrize(("names", "text", "expected"), SHORT_FORMS)
def test_short_form_only(names: list[str], text: str, expected: bool) -> None:
    from ingest.pipeline import short_form_only

    assert short_form_only(names, text) is expected


# A supposed kind that is a passive or a progressive: (value, is it a verb phrase).
VERB_PHRASES = [
    ("provided by linearizable systems", True),
    ("easily done with single leader replication", True),
    ("reading at a Slower Rate Than Expected", True),
    ("all data are encrypted after it reaches S3", True),
    ("fully managed service", False),
    ("point where dirty pages are flushed to disk", False),
    ("container technology to run applications", False),
    ("services for storage", False),
    ("available in the Azure Portal and the REST API", True),  # an adjective and its preposition
    ("different from the Data Streams APIs", True),
]


@pytest.mark.parametrize(("value", "expected"), VERB_PHRASES)
def test_verb_phrases(value: str, expected: bool) -> None:
    from ingest.values import verb_phrase

    assert verb_phrase(value) is expected


REAL = Path(__file__).parent / "data" / "real"

# Practice notes by other authors (tests/data/real): facts that must not come out of the whole note.
REAL_REMOVALS = [
    (
        "db-transactions.md",  # two concepts are not compared on one shared word
        {
            ("Acidity", "compared_with", "total order broadcast"),
            ("Ordering", "compared_with", "linearilability"),
            ("Ordering", "has_property", "uniqueness constraint"),  # under "Linearizability": not a known name
        },
    ),
    (
        "azure-az900-management-governance.md",
        {
            ("Azure Monitor", "monitors", "Azure DevOps"),
            ("Azure Monitor", "includes", "storage"),
            ("Azure Management", "provides", "Root Cause Analysis"),  # under "Azure Service Health"
        },
    ),
]


@pytest.mark.parametrize(("name", "must_not"), REAL_REMOVALS)
def test_real_removals(extract_facts, name: str, must_not: set) -> None:
    got = extract_facts((REAL / name).read_text(encoding="utf-8"), name)
    assert not (must_not & got), f"must not extract {sorted(must_not & got)}"
