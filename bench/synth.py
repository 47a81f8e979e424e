"""Synthetic notes in the corpus's formats (Markdown, plain bullets, flashcards), for benchmarks."""

import random
from pathlib import Path

SERVICES = [
    "Amazon S3",
    "Amazon EC2",
    "AWS Lambda",
    "Amazon ECS",
    "AWS Fargate",
    "Amazon ECR",
    "AWS Batch",
    "Amazon Lightsail",
    "Amazon API Gateway",
    "Amazon DynamoDB",
    "Amazon RDS",
    "Amazon SQS",
    "Amazon SNS",
    "Amazon EBS",
    "Amazon EFS",
    "Amazon CloudWatch",
    "AWS Step Functions",
    "Amazon Kinesis",
    "Amazon EKS",
]
CONCEPTS = [
    "Docker image",
    "container",
    "batch job",
    "virtual machine",
    "RESTful API",
    "Spot Instance",
    "cron job",
]
SENTENCES = [
    "{a} runs on {b}",
    "{a} is integrated with {b}",
    "{a} is a fully managed service for {c}s",
    "Supports {c}s and {c2}s",
    "{a} stores {c}s for {b}",
    "Easy to get more resources (up to {n} GB of RAM!)",
    "Pay per request: ${p} per 1 million requests",
    "Has high availability but no auto-scaling",
    "Use cases: simple web applications, websites, dev / test environment",
    "You do not provision the infrastructure (no servers to manage)",
    "{a} will dynamically launch {c}s or {c2}s",
    "This is where you store your {c}s so they can be run by {a} or {b}",
    "Invocation time: up to {n} minutes",
    "New file in {a} > Trigger > {b} > Write > {a}",
]


def sentence(rng: random.Random) -> str:
    a, b = rng.sample(SERVICES, 2)
    c, c2 = rng.sample(CONCEPTS, 2)
    return rng.choice(SENTENCES).format(a=a, b=b, c=c, c2=c2, n=rng.randint(1, 900), p=rng.randint(1, 99) / 100)


def markdown(rng: random.Random, sections: int) -> str:
    out = []
    for _ in range(sections):
        out.append(f"## {rng.choice(SERVICES)}\n")
        out.extend(f"- {sentence(rng)}" for _ in range(rng.randint(4, 9)))
        if rng.random() < 0.2:
            a, b = rng.sample(SERVICES, 2)
            out += ["", f"| {a} | {b} |", "| --- | --- |", "| No time limit | Time limit |", ""]
        out.append("")
    return "\n".join(out)


def text_note(rng: random.Random, sections: int) -> str:
    out = []
    for _ in range(sections):
        out.append(rng.choice(SERVICES))
        out.extend(f"  • {sentence(rng)}" for _ in range(rng.randint(4, 9)))
        out.append("")
    return "\n".join(out)


def flashcards(rng: random.Random, cards: int) -> str:
    out = []
    for n in range(1, cards + 1):
        out += [str(n), "Q", "", rng.choice(SERVICES), "", "A", ""]
        out += [f"• {sentence(rng)}" for _ in range(rng.randint(2, 5))]
        out += ["", "How well did you know this?", "1", "Not at all", "2", "3", "4", "5", "Perfectly"]
    return "\n".join(out)


def write_corpus(directory: Path, words: int, seed: int = 7) -> int:
    """Write notes until about `words` words; return the number of files."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    total = n = 0
    while total < words:
        kind = n % 3
        text = markdown(rng, 12) if kind == 0 else text_note(rng, 12) if kind == 1 else flashcards(rng, 15)
        name = f"synthetic-{n:05d}." + ("md" if kind == 0 else "txt")
        (directory / name).write_text(text, encoding="utf-8")
        total += len(text.split())
        n += 1
    return n
