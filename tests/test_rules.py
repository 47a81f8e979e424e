"""One table per rule of ingest.rules: (sentence, where it sits, the candidates that rule alone gives).

Entities are written by label; a candidate is (subject, predicate, object, rule)."""

from collections.abc import Callable, Iterator

import pytest

from ingest.names import load_gazetteer
from ingest.nlp import build_nlp
from ingest.relations import RelationExtractor
from ingest.rules.answers import bound_figure, bracketed_members, figure_answer, figure_lead, yes_no_answer
from ingest.rules.chain import chain
from ingest.rules.clause import make_clause
from ingest.rules.copula import copula
from ingest.rules.model import Candidate, Clause, Context, Known, Rule, Sentence, run
from ingest.rules.phrases import cue_relations, own_subject
from ingest.rules.properties import property_fallback
from ingest.rules.registry import REGISTRY, read_statement
from ingest.rules.spans import clauses
from ingest.rules.statement import category, clause_facts, dash_definition, heading, label_cue
from ingest.rules.verbs import (
    ability,
    feature_state,
    managed_technology,
    need_first,
    service_workloads,
    use_when,
    verb_relation,
)

Row = tuple[str, str | None, set[tuple[str, str, str, str]]]  # sentence, topic, expected


@pytest.fixture(scope="module")
def reader() -> tuple[Callable[..., Sentence], Callable[[str], str], Callable[[str | None], str | None]]:
    table = load_gazetteer()
    nlp = build_nlp(table)
    extractor = RelationExtractor(
        nlp.vocab,
        types={k: e.type for k, e in table.entities.items()},
        labels={k: e.label for k, e in table.entities.items()},
    )

    def read(text: str, kind: str = "item", label: str = "") -> Sentence:
        return extractor.sentence(nlp(text), kind, label)

    def name(key: str) -> str:
        return table.entities[key].label if key in table.entities else key

    def key(label: str | None) -> str | None:
        return table.key_for(label) if label else None

    return read, name, key


def shown(cands: Iterator[Candidate], name: Callable[[str], str]) -> set[tuple[str, str, str, str]]:
    return {(name(c.subject), c.predicate, name(c.object) if c.object_is_entity else c.object, c.rule) for c in cands}


def clause_of(reader, text: str, topic: str | None, *, fallback: bool = True) -> Clause:
    read, _, key = reader
    s = read(text)
    clause = make_clause(s, 0, len(s.doc), key(topic), fallback=fallback)
    assert clause is not None, text
    return clause


COPULA: list[Row] = [
    ("ECS is a container orchestration service", None, {("Amazon ECS", "is_a", "container orchestration service", "copula")}),
    ("S3 = Simple Storage Service", None, set()),  # the same entity: nothing to say
    ("Fargate is not a database", None, {("AWS Fargate", "has_property", "fargate is not a database", "copula_negated")}),
    ("It's serverless, scalable and managed", "AWS Lambda", {
        ("AWS Lambda", "is_a", "serverless", "copula_list"),
        ("AWS Lambda", "scales", "scalable", "copula_list"),  # an attribute cue names the relation
        ("AWS Lambda", "has_property", "managed", "copula_list"),  # an adjective
    }),
    ("Docker images are stored in ECR", None, set()),  # a passive: the cue rule's
    ("Lambda is more efficient", None, {("AWS Lambda", "has_property", "lambda is more efficient", "copula_property")}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "topic", "expected"), COPULA)
def test_copula(reader, text: str, topic: str | None, expected: set) -> None:
    assert shown(copula(clause_of(reader, text, topic), Context()), reader[1]) == expected


CUE_RELATIONS: list[Row] = [
    ("Batch jobs run on ECS", "AWS Batch", {("batch job", "runs_on", "Amazon ECS", "cue:runs_on")}),
    ("run on ECS", "AWS Batch", {("AWS Batch", "runs_on", "Amazon ECS", "cue:runs_on")}),
    ("Supports RESTful APIs and WebSocket APIs", "Amazon API Gateway", {
        ("Amazon API Gateway", "supports", "RESTful API", "cue:supports:mixed"),
        ("Amazon API Gateway", "supports", "WebSocket API", "cue:supports:mixed"),
    }),
    ("does not support Windows", "Amazon EFS", {
        ("Amazon EFS", "has_limit", "does not support Windows", "negated:supports:mixed"),  # a limit
    }),
    ("Docker images are stored in Docker Repositories", None, {
        ("Docker image", "stored_in", "Docker Repository", "cue:stored_in"),
    }),
    ("QuickSight integrates with it", "Amazon Redshift", {  # 'it' is the topic
        ("Amazon QuickSight", "integrated_with", "Amazon Redshift", "cue:integrated_with:mixed"),
    }),
    ("Deploy an infrastructure which might contain hundreds of resources", "AWS CloudFormation", set()),
    # an alternative in brackets after words naming nothing is an alternative to those words
    ("Columnar storage of data (instead of row based) and Massively Parallel Query Execution", "Amazon Redshift", set()),
    ("Serverless does not mean no servers, you don't have to provision them", "AWS Fargate", set()),  # negated
    ("if replication is used, you gain a copy", "Amazon S3", set()),  # a passive: no user
    ("Only required domains can reach certain apps", "Amazon S3", set()),  # 'required' describes the domains
    ("Docker containers are running in an EC2 instance", None, {  # 'runs in' is where it runs
        ("container", "runs_on", "Amazon EC2", "cue:runs"),
    }),
    ("E.g. CloudWatch alarms, Auto Scaling Groups notifications", "Amazon SNS", set()),  # a cue word in a name
    ("Groups records, instead of sending each Lambda request alone", "AWS Fargate", {  # an action's names
        ("AWS Fargate", "alternative_to", "sending each Lambda request alone", "cue:alternative_to:mixed"),
    }),
    ("The API helps you manage S3, including creating buckets, resharding, and getting objects", "Amazon S3", {
        ("API", "manages", "Amazon S3", "cue:manages"),
    }),
    ("Runs Docker images built with Python", "AWS Lambda", {  # what the image is built with: not run
        ("AWS Lambda", "runs", "Docker image", "cue:runs"),
    }),
    # cue phrases of the registry (data/ontology.ttl), one row each
    ("Works with Amazon SQS and Amazon SQS FIFO", "Amazon SNS", {
        ("Amazon SNS", "integrated_with", "Amazon SQS", "cue:integrated_with:entity"),
    }),
    ("Works with any language, OS and technology", "Docker", set()),  # 'any': no one OS
    ("Integrates fully with CloudWatch", "AWS Lambda", {
        ("AWS Lambda", "integrated_with", "Amazon CloudWatch", "cue:integrated_with:mixed"),
    }),
    ("The agent handles file rotation, checkpointing, and retries", "Amazon Kinesis", {
        ("Amazon Kinesis", "supports", "file rotation", "cue:supports:mixed"),
        ("Amazon Kinesis", "supports", "checkpointing", "cue:supports:mixed"),
    }),
    ("Instantiates a record processor for every shard it manages", "Amazon Kinesis", {
        ("Amazon Kinesis", "launches", "record processor for every shard", "cue:launches"),  # not '... it'
    }),
    ("Better for unpredictable workloads", "AWS Fargate", {
        ("AWS Fargate", "preferred_for", "unpredictable workloads", "cue:preferred_for"),
    }),
    ("When the application starts up, it instantiates a new worker", "Amazon Kinesis", set()),  # 'it': the app
    ("Uses leases to coordinate shard associations", "Amazon Kinesis", {
        ("Amazon Kinesis", "uses", "leases", "cue:uses:mixed"),  # the purpose is not the object
    }),
    ("Amazon MQ = use instead of SQS / SNS when migrating on-prem apps", None, {
        ("Amazon MQ", "alternative_to", "Amazon SQS", "cue:alternative_to:mixed"),
        ("Amazon MQ", "alternative_to", "Amazon SNS", "cue:alternative_to:mixed"),
    }),
    ("It is almost the same as Amazon SQS", "Amazon SNS", {
        ("Amazon SNS", "alternative_to", "Amazon SQS", "cue:alternative_to:entity"),
    }),
    ("The same as before", "Amazon SNS", set()),  # 'the same as' names no entity: nothing
    ("This approach is better under lower load", "Amazon SQS", {
        ("Amazon SQS", "preferred_for", "lower load", "cue:preferred_for"),
    }),
    ("Designed and optimized for larger data throughputs", "Amazon Kinesis", {
        ("Amazon Kinesis", "preferred_for", "larger data throughputs", "cue:preferred_for"),
    }),
    ("Monitor applications, integrating them with CloudWatch", "AWS Lambda", {
        ("AWS Lambda", "integrated_with", "Amazon CloudWatch", "cue:integrated_with:mixed"),
    }),
    ("Works for Linux, Kubernetes and Windows", "Amazon ECS", {
        ("Amazon ECS", "supports", "Linux", "cue:supports:entity"),
        ("Amazon ECS", "supports", "Kubernetes", "cue:supports:entity"),
        ("Amazon ECS", "supports", "Windows", "cue:supports:entity"),
    }),
    ("Works for streaming data at 200 KB/sec", "Amazon Kinesis", set()),  # 'works for' names nothing
    ("Runs commands that call the RESTful API", "AWS Lambda", {
        ("AWS Lambda", "uses", "RESTful API", "cue:uses:entity"),
    }),
    ("Allows you to manage EC2 instances", "AWS Systems Manager", {
        ("AWS Systems Manager", "manages", "Amazon EC2", "cue:manages"),  # not a purpose: what it does
    }),
    ("You can choose to use AWS KMS to manage the keys", "Amazon S3", {
        ("Amazon S3", "uses", "AWS KMS", "cue:uses:mixed"),  # a choice, not a purpose
    }),
    ("Automates deployment of Docker images", "AWS CodeDeploy", {
        ("AWS CodeDeploy", "provisions", "Docker image", "cue:provisions:entity"),
    }),
    ("Tracks the status of your resources as well as your region", "AWS Health Dashboard", {
        ("AWS Health Dashboard", "monitors", "your resources as well as your region", "cue:monitors"),
    }),
    ("Data is replicated across three Availability Zones", "Amazon Kinesis", {
        ("Amazon Kinesis", "replicates_to", "three Availability Zones", "cue:replicates_to"),  # the count is the fact
    }),
    ("You can use replication to directly put objects into S3 Glacier", "Amazon S3", set()),  # not a destination
    ("A stand-alone Java application that offers an easy way to collect data", "Amazon Kinesis", {
        ("Amazon Kinesis", "provides", "easy way", "cue:provides"),  # 'that' is the application, not Java
    }),
    ("Requires you to enable versioning", "Amazon S3", set()),  # 'you' is not what is required
    ("Lets you create, publish, maintain and secure APIs", "Amazon SNS", set()),  # actions, not objects
    ("Handles file rotation, checkpointing, etc.", "Amazon Kinesis", {  # and no 'etc'
        ("Amazon Kinesis", "supports", "file rotation", "cue:supports:mixed"),
        ("Amazon Kinesis", "supports", "checkpointing", "cue:supports:mixed"),
    }),
    ("Low-cost storage meant for archiving / backup", "Amazon S3 Glacier", {
        ("Amazon S3 Glacier", "use_case", "archiving / backup", "cue:use_case"),
    }),
    ("Block volumes, backed by Amazon S3", "AWS Storage Gateway", {
        ("AWS Storage Gateway", "depends_on", "Amazon S3", "cue:depends_on:entity"),
    }),
    ("Load streams into S3, Redshift, OpenSearch, etc.", "Amazon Data Firehose", {
        ("Amazon Data Firehose", "integrated_with", "Amazon S3", "cue:integrated_with:entity"),
        ("Amazon Data Firehose", "integrated_with", "Amazon Redshift", "cue:integrated_with:entity"),
    }),
    ("Backed by a team of experts", "Amazon S3", set()),  # no named thing: no dependency
    ("Scales automatically, pay per use, no capacity planning", "Amazon EFS", {  # 'scales' is not repeated
        ("Amazon EFS", "scales", "automatically", "cue:scales"),
        ("Amazon EFS", "pricing", "pay per use", "cue:scales"),
    }),
    ("Queue name must end with .fifo", "Amazon SQS", {  # what must, too
        ("Amazon SQS", "requires", "queue name must end with .fifo", "cue:requires:region"),
    }),
    ("Can host a static website – bucket must allow public reads", "Amazon S3", {  # what must, from its noun
        ("Amazon S3", "requires", "bucket must allow public reads", "cue:requires:region"),
    }),
    ("some dbs provide automatic detection for clobbering", "Amazon EBS", set()),  # the noun's relation
    ("You must use multi-part upload", "Amazon S3", {
        ("Amazon S3", "requires", "multi-part upload", "cue:requires:mixed"),
    }),
    # 'that' after the subject's own kind (no verb before it) is the subject's
    ("Cloud service that integrates with Amazon S3", "AWS Lambda", {
        ("AWS Lambda", "integrated_with", "Amazon S3", "cue:integrated_with:mixed"),
    }),
    # a cue word inside a name ('instance store') neither starts a relation nor ends the object before it
    ("Rely on EBS / instance store for disk space", "AWS Batch", {("AWS Batch", "depends_on", "instance store", "cue:depends_on:mixed")}),
    # a colon after the object ends it: the list it leads is not the cue's object
    ("Examples of serverless services in AWS: 1) S3 2) Fargate", "serverless", set()),
    ("Provides metrics for two resources: CPU, memory", "Amazon CloudWatch", {
        ("Amazon CloudWatch", "provides", "metrics for two resources", "cue:provides"),
    }),
]  # fmt: skip


@pytest.mark.parametrize(("text", "topic", "expected"), CUE_RELATIONS)
def test_cue_relations(reader, text: str, topic: str | None, expected: set) -> None:
    assert shown(cue_relations(clause_of(reader, text, topic), Context()), reader[1]) >= expected
    if not expected:
        assert not shown(cue_relations(clause_of(reader, text, topic), Context()), reader[1])


OWN_SUBJECTS = [  # (text, topic, the cue word, is the noun right before it the clause's own subject)
    ("Queue name must end with .fifo", "Amazon SQS", "must", True),  # singular, a modal
    ("Both source and destination buckets must have versioning enabled", "Amazon S3", "must", True),
    ("when a read sees the new value all other reads must see the new value too", None, "must", True),
    ("some dbs provide automatic detection for clobbering", None, "provide", True),  # plural, the verb agrees
    ("dbs can expose constraints like foreign keys", None, "expose", True),  # a modal between noun and cue
    ("SQS queue can trigger a Lambda function", "Amazon SQS", "trigger", False),  # a name's own thing
    ("one can use lamport clocks", None, "use", False),  # a pronoun
    ("The agent handles retries", "Amazon ECS", "handles", False),  # singular, a plain verb: the topic's part
    ("Lambda functions must be stateless", "AWS Lambda", "must", False),  # the topic's own name
    ("It must be stateless", "AWS Lambda", "must", False),  # a pronoun
    ("Users can create buckets", "Amazon S3", "can", True),
    ("Must use multi-part upload", "Amazon S3", "Must", False),  # nothing before the cue
]


@pytest.mark.parametrize(("text", "topic", "cue", "expected"), OWN_SUBJECTS)
def test_own_subject(reader, text: str, topic: str | None, cue: str, expected: bool) -> None:
    s = reader[0](text)
    at = next(t.i for t in s.doc if t.text == cue)
    assert own_subject(s, 0, at, reader[2](topic)) is expected


NOT_OBJECTS = [  # (text, topic, a candidate that must not come)
    # a name after 'implemented in' is the object's
    ("Uses Docker containers implemented in Java", "Amazon ECS", ("Amazon ECS", "supports_language", "Java")),
    ("Runs Docker images built with Python", "AWS Lambda", ("AWS Lambda", "runs", "Python")),
    # 'that' after a verb's object opens a clause about that object
    (
        "Publishes health reports that include service retirements",
        "Amazon CloudWatch",
        ("Amazon CloudWatch", "includes", "service retirements"),
    ),
    ("Now also includes anything that's manage databases", "serverless", ("serverless", "manages", "databases")),
    # an -ing cue among a list of actions acts on nothing after it
    (
        "The API helps you manage S3, including creating buckets, resharding, and getting objects",
        None,
        (
            "API",
            "creates",
            "resharding",
        ),
    ),
]


@pytest.mark.parametrize(("text", "topic", "absent"), NOT_OBJECTS)
def test_what_is_no_object_of_the_cue(reader, text: str, topic: str | None, absent: tuple) -> None:
    assert absent not in {c[:3] for c in shown(cue_relations(clause_of(reader, text, topic), Context()), reader[1])}


USE_WHEN: list[Row] = [
    (
        "Use DynamoDB when you need millisecond latency",
        None,
        {
            ("Amazon DynamoDB", "preferred_for", "when you need millisecond latency", "use_when"),
        },
    ),
    (
        "Use DynamoDB for key-value lookups",
        None,
        {("Amazon DynamoDB", "preferred_for", "key-value lookups", "use_when")},
    ),
    ("Use the console", None, set()),
]


NEED_FIRST: list[Row] = [
    ("For event-driven architecture choose EventBridge", None, {
        ("Amazon EventBridge", "preferred_for", "event-driven architecture", "need_first"),
    }),
    ("For simple human notification, choose SNS, e.g.:", None, {
        ("Amazon SNS", "preferred_for", "simple human notification", "need_first"),
    }),
    ("If you need a queue, then use SQS", None, {("Amazon SQS", "preferred_for", "you need a queue", "need_first")}),
    ("For Lambda, use SQS", None, set()),  # the need names an entity: a comparison, not a need
    ("For storage, choose wisely", None, set()),  # nothing named is chosen
    ("Use SQS for queues", None, set()),  # the advice first: use_when's
]  # fmt: skip


@pytest.mark.parametrize(("text", "topic", "expected"), NEED_FIRST)
def test_need_first(reader, text: str, topic: str | None, expected: set) -> None:
    assert shown(need_first(clause_of(reader, text, topic or "AWS Lambda"), Context()), reader[1]) == expected


LIMITS: list[tuple[str, set[tuple[str, str, str, str]]]] = [
    ("Each record can be as large as 1 MB", {("Amazon Kinesis", "has_limit", "each record can be as large as 1 MB", "cue:has_limit")}),
    ("Each request can support up to 500 records", {
        ("Amazon Kinesis", "has_limit", "each request can support up to 500 records", "cue:has_limit"),
    }),
    ("Any runtime as long as it is packaged as a Docker image", set()),  # 'as long as': a condition
    ("Offers only 24 hours data retention", {
        ("Amazon Kinesis", "has_limit", "offers only 24 hours data retention", "cue:has_limit"),
    }),
    ("Data is retained for 24 hours by default", {
        ("Amazon Kinesis", "has_limit", "data is retained for 24 hours by default", "cue:has_limit"),
    }),
    ("Only at the bucket level", set()),  # 'only' before no figure: no limit
    ("Each Amazon SQS request can support up to 10 messages", {  # a request of SQS is SQS's
        ("Amazon SQS", "has_limit", "each Amazon SQS request can support up to 10 messages", "cue:has_limit"),
    }),
    ("It is up to the developer to check", set()),  # 'up to' before no figure: no limit
    ("Data is lost if the instance is stopped", {  # what is lost, and when, is a limit
        ("Amazon Kinesis", "has_limit", "data is lost if the instance is stopped", "cue:has_limit"),
    }),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), LIMITS)
def test_limits_keep_their_figures(reader, text: str, expected: set) -> None:
    got = shown(cue_relations(clause_of(reader, text, "Amazon Kinesis"), Context()), reader[1])
    assert {g for g in got if g[1] == "has_limit"} == expected


@pytest.mark.parametrize(("text", "topic", "expected"), USE_WHEN)
def test_use_when(reader, text: str, topic: str | None, expected: set) -> None:
    clause = clause_of(reader, text, topic or "AWS Lambda")
    assert shown(use_when(clause, Context()), reader[1]) == expected


SERVICE_WORKLOADS: list[Row] = [
    (
        "Fargate lets you run your ECS/EKS containers without servers",
        None,
        {
            ("AWS Fargate", "runs_on", "Amazon ECS", "run_service_workload"),
            ("AWS Fargate", "runs_on", "Amazon EKS", "run_service_workload"),
        },
    ),
    ("Fargate lets you run containers", None, set()),
]


@pytest.mark.parametrize(("text", "topic", "expected"), SERVICE_WORKLOADS)
def test_service_workloads(reader, text: str, topic: str | None, expected: set) -> None:
    assert shown(service_workloads(clause_of(reader, text, topic), Context()), reader[1]) == expected


VERB_RELATION: list[Row] = [
    (
        "A virtual machine emulates machine hardware",
        None,
        {
            ("virtual machine", "emulates", "machine hardware", "verb"),
        },
    ),
    ("emulates machine hardware", "virtual machine", set()),  # the subject must be named
    (  # a name deep in the object is not the object; the object ends at its comma
        "Lambda aggregates many records into a single S3 object, and collects them into an SQS message",
        None,
        {("AWS Lambda", "aggregates", "many records into a single S3 object", "verb")},
    ),
    ("Lambda emulates the EC2 instances", None, {("AWS Lambda", "emulates", "Amazon EC2", "verb")}),  # heads it
    ("Step Functions, ECS tasks, Systems Manager", None, set()),  # a plural noun in a list, no verb
]


@pytest.mark.parametrize(("text", "topic", "expected"), VERB_RELATION)
def test_verb_relation(reader, text: str, topic: str | None, expected: set) -> None:
    assert shown(verb_relation(clause_of(reader, text, topic), Context()), reader[1]) == expected


MANAGED_TECHNOLOGY: list[Row] = [
    ("Managed message broker for RabbitMQ and ActiveMQ", "Amazon MQ", {
        ("Amazon MQ", "abstraction_over", "RabbitMQ", "managed_technology"),
        ("Amazon MQ", "abstraction_over", "Apache ActiveMQ", "managed_technology"),
    }),
    ("ElastiCache is to get managed Redis or Memcached", None, {
        ("Amazon ElastiCache", "abstraction_over", "Redis", "managed_technology"),
        ("Amazon ElastiCache", "abstraction_over", "Memcached", "managed_technology"),
    }),
    ("Fully managed in-memory cache for DynamoDB", "Amazon ElastiCache", set()),  # a service, not software it runs
    ("Managed service that stores data in MySQL", "Amazon RDS", set()),  # a verb between: not what is managed
]  # fmt: skip


@pytest.mark.parametrize(("text", "topic", "expected"), MANAGED_TECHNOLOGY)
def test_managed_technology(reader, text: str, topic: str | None, expected: set) -> None:
    assert shown(managed_technology(clause_of(reader, text, topic), Context()), reader[1]) == expected


ABILITY: list[Row] = [
    ("Can host a static website (HTML, CSS, images...)", "Amazon S3", {
        ("Amazon S3", "supports", "hosting a static website", "ability"),
    }),
    ("Can archive events and replay archived events", "Amazon EventBridge", {
        ("Amazon EventBridge", "supports", "archiving events and replay archived events", "ability"),
    }),
    ("Can occur due to producer retry", "Amazon Kinesis", set()),  # no object: nothing it can do
    ("Can only be mounted to one EC2 instance", "Amazon EBS", set()),  # a limit, not a feature
    ("Lambda can run code", "Amazon S3", set()),  # its own subject
]  # fmt: skip


@pytest.mark.parametrize(("text", "topic", "expected"), ABILITY)
def test_ability(reader, text: str, topic: str | None, expected: set) -> None:
    assert shown(ability(clause_of(reader, text, topic), Context()), reader[1]) == expected


FEATURE_STATE: list[Row] = [
    ("Versioning enabled at the bucket level", "Amazon S3", {("Amazon S3", "supports", "versioning", "feature_state")}),
    ("Encryption supported", "Amazon S3", {("Amazon S3", "supports", "encryption", "feature_state")}),
    ("The feature enabled", "Amazon S3", set()),  # a word of no content
    ("Versioning is enabled", "Amazon S3", set()),  # a sentence: the copula reads it
]  # fmt: skip


@pytest.mark.parametrize(("text", "topic", "expected"), FEATURE_STATE)
def test_feature_state(reader, text: str, topic: str | None, expected: set) -> None:
    assert shown(feature_state(clause_of(reader, text, topic), Context()), reader[1]) == expected


PROPERTY: list[tuple[str, str | None, Context, set[tuple[str, str, str, str]]]] = [
    ("Serverless offering", "AWS Fargate", Context(), {("AWS Fargate", "is_a", "serverless offering", "definition")}),
    (
        "Managed NFS that can be mounted on many instances",
        "Amazon EFS",
        Context(first=True),
        {
            ("Amazon EFS", "is_a", "managed NFS", "definition"),
        },
    ),
    (
        "Pay for what you use per second",
        "AWS Fargate",
        Context(),
        {
            ("AWS Fargate", "has_property", "pay for what you use per second", "property"),
        },
    ),
    (
        "you can't SSH into your instances",
        "Amazon RDS",
        Context(),
        {
            ("Amazon RDS", "has_limit", "you can't SSH into your instances", "property"),
        },
    ),
    (
        "You pay a retrieval fee",
        "Amazon S3 Glacier",
        Context(first=True),
        {
            ("Amazon S3 Glacier", "has_property", "you pay a retrieval fee", "property"),  # a saying, not a kind
        },
    ),
    ("they run", "AWS Fargate", Context(), set()),
    ("major performance downside because", "AWS Fargate", Context(), set()),  # introduces its children
    (  # an adverb, then a verb: a saying, no definition
        "only has a recency guarantee",
        "AWS Lambda",
        Context(first=True),
        {("AWS Lambda", "has_property", "only has a recency guarantee", "property")},
    ),
    (  # a definition that is a 'when' clause is kept whole, relative and all
        "when all writes that are related can be ordered",
        "AWS Lambda",
        Context(first=True),
        {("AWS Lambda", "is_a", "when all writes that are related can be ordered", "definition")},
    ),
    ("Pay for what you use per second", "AWS Fargate", Context(category="pricing"), set()),  # the category's
    ("if your application cannot wait for them", "AWS Lambda", Context(), set()),  # continues its parent
    ("else you will need to resort to application level solutions", "AWS Lambda", Context(), set()),
    ("E.g. Amazon SQS, AWS Lambda, custom HTTPs endpoints", "Amazon SNS", Context(), set()),  # examples of the parent
    (
        "i.e. the transaction can be safely retried",
        "AWS Lambda",
        Context(),
        {("AWS Lambda", "has_property", "i.e. the transaction can be safely retried", "property")},  # restates
    ),
    (
        "If turned on, each object in the bucket is given a version id",
        "Amazon S3",
        Context(),
        {("Amazon S3", "has_property", "if turned on, each object in the bucket is given a version id", "property")},
    ),
]


@pytest.mark.parametrize(("text", "topic", "ctx", "expected"), PROPERTY)
def test_property_fallback(reader, text: str, topic: str | None, ctx: Context, expected: set) -> None:
    clause = clause_of(reader, text, topic)
    assert shown(property_fallback(clause, ctx), reader[1]) == expected
    assert not list(property_fallback(clause_of(reader, text, topic, fallback=False), ctx))


DEFINITIONS: list[Row] = [  # a 'Definition:' line: a noun phrase is a kind, a verb phrase is what it is for
    ("Definition: Identifies unused resources", "AWS Trusted Advisor", {
        ("AWS Trusted Advisor", "use_case", "identifies unused resources", "property"),
    }),
    ("Definition: Orchestrate deployment of stacks", "AWS CloudFormation", {
        ("AWS CloudFormation", "use_case", "orchestrate deployment of stacks", "property"),
    }),
    ("Definition: A calculator for costs", "AWS Pricing Calculator", {
        ("AWS Pricing Calculator", "is_a", "calculator for costs", "definition"),
    }),
    ("Definition: Does not store data", "Amazon SQS", {
        ("Amazon SQS", "has_property", "does not store data", "property"),  # a negation is no use
    }),
]  # fmt: skip


@pytest.mark.parametrize(("text", "topic", "expected"), DEFINITIONS)
def test_definition_says_what_it_is_for(reader, text: str, topic: str | None, expected: set) -> None:
    read, name, key = reader
    s = read(text, "item", "Definition")
    clause = make_clause(s, s.body, len(s.doc), key(topic), fallback=True, label="Definition")
    assert clause is not None
    assert shown(property_fallback(clause, Context()), name) == expected


CLAUSES = [  # where a statement splits into clauses
    ("SQS is pull; SNS is push", ["SQS is pull", "SNS is push"]),
    (  # a concession that opens the point ends at its comma: the rest is the point
        "Small scale – Even though Kinesis works for small data, KDS is designed for large data",
        ["Small scale – Even though Kinesis works for small data", "KDS is designed for large data"],
    ),
    (
        "this ensures that even though writes are concurrent, it appears sequential",
        ["this ensures that even though writes are concurrent, it appears sequential"],
    ),
    ("these, although a bottleneck, can work well", ["these, although a bottleneck, can work well"]),
]


@pytest.mark.parametrize(("text", "expected"), CLAUSES)
def test_clauses(reader, text: str, expected: list[str]) -> None:
    doc = reader[0](text).doc
    assert [doc[a:b].text for a, b, _ in clauses(doc, 0, len(doc))] == expected


def statement(reader, text: str, kind: str = "item", label: str = "") -> Sentence:
    return reader[0](text, kind, label)


HEADINGS: list[Row] = [
    (
        "Fargate - abstraction over ECS",
        None,
        {("AWS Fargate", "abstraction_over", "Amazon ECS", "cue:abstraction_over")},
    ),
    ("Why use Lambda?", None, set()),  # a question states nothing
    ("Fargate pricing", None, set()),  # a heading gives no property
]


@pytest.mark.parametrize(("text", "topic", "expected"), HEADINGS)
def test_heading(reader, text: str, topic: str | None, expected: set) -> None:
    s = statement(reader, text, "heading")
    assert shown(heading(s, Context(topic=reader[2](topic))), reader[1]) == expected


LABELS: list[tuple[str, str, str | None, set[tuple[str, str, str, str]]]] = [
    (
        "Max item size: 400 KB",
        "Max item size",
        "Amazon DynamoDB",
        {
            ("Amazon DynamoDB", "has_limit", "max item size: 400 KB", "label:has_limit"),
        },
    ),
    (
        "Supported engines: MySQL, PostgreSQL",
        "Supported engines",
        "Amazon RDS",
        {
            ("Amazon RDS", "supports", "MySQL", "label:supports:mixed"),
            ("Amazon RDS", "supports", "PostgreSQL", "label:supports:mixed"),
        },
    ),
    ("ECS: runs containers", "ECS", "AWS Fargate", set()),  # the label names the subject: not a cue label
]


@pytest.mark.parametrize(("text", "label", "topic", "expected"), LABELS)
def test_label_cue(reader, text: str, label: str, topic: str | None, expected: set) -> None:
    s = statement(reader, text, label=label)
    assert shown(label_cue(s, Context(topic=reader[2](topic))), reader[1]) == expected


DASH: list[tuple[str, Context, set[tuple[str, str, str, str]]]] = [
    (
        'Object storage - "infinitely scaling" storage',
        Context(first=True),
        {
            ("Amazon S3", "is_a", "object storage", "dash_definition"),
        },
    ),
    ('Object storage - "infinitely scaling" storage', Context(), set()),  # only what opens its section
    ("Run containers - no servers", Context(first=True), set()),  # a verb: not a kind
]


@pytest.mark.parametrize(("text", "ctx", "expected"), DASH)
def test_dash_definition(reader, text: str, ctx: Context, expected: set) -> None:
    ctx = Context(topic=reader[2]("Amazon S3"), first=ctx.first)
    assert shown(dash_definition(statement(reader, text), ctx), reader[1]) == expected


def test_whereas_compares_the_subjects_of_two_clauses(reader) -> None:
    s = statement(reader, "SQS is pull-based whereas SNS is push-based")
    got = shown(clause_facts(s, Context()), reader[1])
    assert ("Amazon SQS", "compared_with", "Amazon SNS", "whereas") in got


CATEGORIES: list[tuple[str, Context, set[tuple[str, str, str, str]]]] = [
    (
        "Create thumbnails, process logs",
        Context(category="use_case"),
        {
            ("AWS Lambda", "use_case", "create thumbnails", "under:use_case"),
            ("AWS Lambda", "use_case", "process logs", "under:use_case"),
        },
    ),
    (
        "Python, Java",
        Context(category="supports_language"),
        {
            ("AWS Lambda", "supports_language", "Python", "under:language"),
            ("AWS Lambda", "supports_language", "Java", "under:language"),
        },
    ),
    (
        "S3 and DynamoDB",
        Context(category="triggers"),
        {
            ("AWS Lambda", "triggers", "Amazon S3", "under:triggers"),
            ("AWS Lambda", "triggers", "Amazon DynamoDB", "under:triggers"),
        },
    ),
    (  # under a category, a verb's third person is what the subject does
        "Advertises planned maintenance",
        Context(category="supports"),
        {("AWS Lambda", "has_property", "advertises planned maintenance", "under:supports")},
    ),
    (
        "Set up alerts",
        Context(category="supports"),
        {("AWS Lambda", "supports", "set up alerts", "under:supports")},
    ),
    ("Create thumbnails", Context(), set()),  # no category parent
    (  # a name inside a phrase is no item of the list: the phrase is
        "Retry of failed response from Amazon S3",
        Context(category="supports"),
        {("AWS Lambda", "supports", "retry of failed response from Amazon S3", "under:supports")},
    ),
    (  # names opening the items of a list, or of its bracket of examples
        "AWS services (EC2 state changes, S3 uploads)",
        Context(category="triggered_by"),
        {
            ("AWS Lambda", "triggered_by", "Amazon EC2", "under:triggered_by"),
            ("AWS Lambda", "triggered_by", "Amazon S3", "under:triggered_by"),
        },
    ),
]


@pytest.mark.parametrize(("text", "ctx", "expected"), CATEGORIES)
def test_category(reader, text: str, ctx: Context, expected: set) -> None:
    ctx = Context(topic=reader[2]("AWS Lambda"), category=ctx.category)
    assert shown(category(statement(reader, text), ctx), reader[1]) == expected


CHAINS: list[tuple[str, str | None, set[tuple[str, str, str, str]]]] = [
    (
        "Docker --> ECS --> Fargate",
        None,
        {
            ("Amazon ECS", "runs_on", "Docker", "layer_stack"),
            ("AWS Fargate", "runs_on", "Amazon ECS", "layer_stack"),
        },
    ),
    (  # steps that say what they do are a flow, not a stack of layers
        "AWS Lambda → EventBridge (route to services) → SNS (notify humans) → Email",
        None,
        {
            ("AWS Lambda", "flows_to", "Amazon EventBridge", "flow"),
            ("Amazon EventBridge", "flows_to", "Amazon SNS", "flow"),
        },
    ),
    (
        "S3 > Trigger > Lambda > DynamoDB",
        None,
        {
            ("Amazon S3", "triggers", "AWS Lambda", "flow"),
            ("AWS Lambda", "flows_to", "Amazon DynamoDB", "flow"),
        },
    ),
    (
        "Schedule every hour > Trigger > Lambda",
        "Amazon EventBridge",
        {
            ("Amazon EventBridge", "triggers", "AWS Lambda", "flow"),
        },
    ),
]


@pytest.mark.parametrize(("text", "topic", "expected"), CHAINS)
def test_chain(reader, text: str, topic: str | None, expected: set) -> None:
    s = statement(reader, text)
    assert shown(chain(s, Context(topic=reader[2](topic))), reader[1]) == expected
    assert shown(read_statement(s, Context(topic=reader[2](topic))), reader[1]) == expected  # the shape 'chain'


def _says(word: str) -> Rule[Sentence]:
    return Rule(word, lambda s, ctx: iter([Candidate("x", word, "y", False, word)]))


def _silent(word: str) -> Rule[Sentence]:
    return Rule(word, lambda s, ctx: iter(()))


RUNS: list[tuple[tuple[Rule[Sentence], ...], list[str]]] = [
    ((_says("a"), _says("b")), ["a", "b"]),
    ((Rule("a", _says("a").extract, exclusive=True), _says("b")), ["a"]),
    ((Rule("a", _silent("a").extract, exclusive=True), _says("b")), ["b"]),
    ((_says("a"), Rule("b", _says("b").extract, fallback=True)), ["a"]),
    ((_silent("a"), Rule("b", _says("b").extract, fallback=True)), ["b"]),
]


@pytest.mark.parametrize(("rules", "expected"), RUNS)
def test_run_honours_exclusive_and_fallback(reader, rules, expected: list[str]) -> None:
    assert [c.rule for c in run(rules, statement(reader, "x"), Context())] == expected


def test_every_rule_of_the_registry_has_a_table() -> None:
    tested = {"copula", "use_when", "need_first", "run_service_workload", "cue", "verb", "property", "heading", "chain"}
    tested |= {"label_cue", "dash_definition", "clauses", "category"}
    tested |= {"yes_no_answer", "figure_answer", "bracketed_members", "figure_lead", "bound_figure"}
    tested |= {"managed_technology", "ability", "feature_state"}
    assert {rule.name for rules in REGISTRY.values() for rule in rules} == tested


Answer = tuple[str, str, str, str, set[tuple[str, str, str, str]]]  # answer, question, topic, category, expected

YES_NO: list[Answer] = [
    ("No, S3 objects are immutable, can only be replaced", "Are S3 object mutable?", "Amazon S3", "", {
        ("Amazon S3", "has_property", "S3 objects are immutable, can only be replaced", "yes_no_answer"),
    }),
    ("No, S3 is immutable", "Is S3 mutable?", "Amazon S3", "", {  # its own name and verb left out
        ("Amazon S3", "has_property", "immutable", "yes_no_answer"),
    }),
    ("None, S3 has unlimited capacity", "What are the capacity limits for S3?", "Amazon S3", "", {
        ("Amazon S3", "has_property", "unlimited capacity", "yes_no_answer"),
    }),
    ("No, S3 is immutable", "What is S3?", "Amazon S3", "", set()),  # 'no' answers a yes/no question only
    ("No, S3 is immutable", "", "Amazon S3", "", set()),  # not under a question
    ("Yes.", "Is S3 durable?", "Amazon S3", "", set()),  # nothing said besides the yes
    ("S3 objects are immutable", "Are S3 object mutable?", "Amazon S3", "", set()),  # no yes or no
]  # fmt: skip


@pytest.mark.parametrize(("text", "question", "topic", "cat", "expected"), YES_NO)
def test_yes_no_answer(reader, text: str, question: str, topic: str, cat: str, expected: set) -> None:
    ctx = Context(topic=reader[2](topic), question=question)
    assert shown(yes_no_answer(statement(reader, text), ctx), reader[1]) == expected


FIGURE_ANSWERS: list[Answer] = [
    ("5TB", "What is max size of an object on S3?", "Amazon S3", "", {("Amazon S3", "has_limit", "5 TB", "figure_answer")}),
    ("400 KB", "What is the maximum item size in DynamoDB?", "Amazon DynamoDB", "", {
        ("Amazon DynamoDB", "has_limit", "400 KB", "figure_answer"),
    }),
    ("5TB", "What is the typical size of an object on S3?", "Amazon S3", "", set()),  # no bound asked for
    ("About 5TB or so, it depends", "What is max size of an object on S3?", "Amazon S3", "", set()),  # no bare figure
]  # fmt: skip


@pytest.mark.parametrize(("text", "question", "topic", "cat", "expected"), FIGURE_ANSWERS)
def test_figure_answer(reader, text: str, question: str, topic: str, cat: str, expected: set) -> None:
    ctx = Context(topic=reader[2](topic), question=question)
    assert shown(figure_answer(statement(reader, text), ctx), reader[1]) == expected


BRACKETS: list[Answer] = [
    ("File Storage (e.g. Amazon EFS), Object storage (S3, Glacier), Block storage (EBS)", "", "", "", {
        ("Amazon EFS", "is_a", "file Storage", "bracketed_members"),
        ("Amazon S3", "is_a", "object storage", "bracketed_members"),
        ("Amazon S3 Glacier", "is_a", "object storage", "bracketed_members"),
        ("Amazon EBS", "is_a", "block storage", "bracketed_members"),
    }),
    ("Message brokers (such as SQS and SNS)", "", "", "", {
        ("Amazon SQS", "is_a", "message brokers", "bracketed_members"),
        ("Amazon SNS", "is_a", "message brokers", "bracketed_members"),
    }),
    ("S3 Standard - 99.99%; Amazon S3 Glacier (99.9%)", "", "", "", {
        ("Amazon S3 Glacier", "has_property", "99.9%", "bracketed_figure"),
    }),
    ("Permissions on buckets (i.e. IAM roles)", "", "", "", set()),  # not only names in brackets
    ("Media hosting (e.g. S3)", "", "Amazon S3", "use_case", set()),  # a category parent's list: its rule's
    ("Use Lambda (or Fargate)", "", "", "", set()),  # a verb: a saying, not a kind
    ("Amazon S3 (Simple Storage Service)", "", "", "", set()),  # a name and its long form
]  # fmt: skip


@pytest.mark.parametrize(("text", "question", "topic", "cat", "expected"), BRACKETS)
def test_bracketed_members(reader, text: str, question: str, topic: str, cat: str, expected: set) -> None:
    ctx = Context(topic=reader[2](topic), category=cat or None)
    assert shown(bracketed_members(statement(reader, text), ctx), reader[1]) == expected


FIGURE_LEADS: list[Answer] = [
    ("99.999999999% durability - objects are replicated across 3 AZ", "", "Amazon S3", "", {
        ("Amazon S3", "has_property", "99.999999999% durability", "figure_lead"),
    }),
    ("99.999999999% durability (11 x 9s) - objects are replicated", "", "Amazon S3", "", {
        ("Amazon S3", "has_property", "99.999999999% durability", "figure_lead"),
    }),
    ("Object storage - infinitely scaling storage", "", "Amazon S3", "", set()),  # no figure
    ("99.99% availability", "", "Amazon S3", "", set()),  # no dash: the property rule's
]  # fmt: skip


@pytest.mark.parametrize(("text", "question", "topic", "cat", "expected"), FIGURE_LEADS)
def test_figure_lead(reader, text: str, question: str, topic: str, cat: str, expected: set) -> None:
    ctx = Context(topic=reader[2](topic))
    assert shown(figure_lead(statement(reader, text), ctx), reader[1]) == expected


def test_a_figure_lead_that_measures_the_topic_says_nothing_of_it(reader) -> None:
    s = reader[0]("99.999999999% durability - objects are replicated")
    s = Sentence(s.doc, s.cues, Known({"t": "Concept"}, {"t": "Durability"}))  # under 'the level of durability'
    assert list(figure_lead(s, Context(topic="t"))) == []


BOUNDS: list[Row] = [
    ("Min 90 days storage charges", "Amazon S3 Glacier", {
        ("Amazon S3 Glacier", "has_limit", "min 90 days storage charges", "bound_figure"),
    }),
    ("Max 100 buckets per account", "Amazon S3", {("Amazon S3", "has_limit", "max 100 buckets per account", "bound_figure")}),
    ("Min capacity charge is 128Kb", "Amazon S3", set()),  # the bound is not on a figure that follows
    ("Maximum performance at low cost", "Amazon S3", set()),
]  # fmt: skip


@pytest.mark.parametrize(("text", "topic", "expected"), BOUNDS)
def test_bound_figure(reader, text: str, topic: str | None, expected: set) -> None:
    assert shown(bound_figure(clause_of(reader, text, topic), Context()), reader[1]) == expected


TOPIC_HEADS: list[tuple[str, str, str]] = [
    ("An object is identified by the object key", "S3 object", "S3 object"),  # its article and last word
    ("The bucket must have a unique name", "S3 bucket", "S3 bucket"),
    ("An object of any kind", "S3 object", ""),  # no verb follows
    ("A bucket is a namespace", "S3 object", ""),  # another noun
]


@pytest.mark.parametrize(("text", "topic", "expected"), TOPIC_HEADS)
def test_a_topic_named_by_its_last_word(reader, text: str, topic: str, expected: str) -> None:
    s = reader[0](text)
    s = Sentence(s.doc, s.cues, Known({"topic": "Concept"}, {"topic": topic}))  # a concept the note names
    clause = make_clause(s, 0, len(s.doc), "topic", fallback=True)
    assert clause is not None
    assert (topic if clause.explicit and clause.subjects == ("topic",) else "") == expected
