"""Question answering over the graph: link names, read the intent, run prepared queries, compose."""

from service.qa.engine import QA, Answer

__all__ = ["QA", "Answer"]
