"""The OpenAPI 3.0 description of the service, built from the app's settings (its limits appear in it)."""

from collections.abc import Mapping
from typing import Any

from kg.sparql import GRAPH_FORMATS, RESULT_FORMATS
from service.api import EXPORTS, MAX_LIMIT, MAX_PATHS
from service.sparql import ROW_CAP_HEADER, TRUNCATED_HEADER

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
NUMBER: dict[str, Any] = {"type": "number"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
NAME = {"type": "string", "minLength": 1, "pattern": r"\S"}  # an entity id, IRI, label or alias


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


def integer(low: int, high: int, default: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, "default": default}


FACT_OBJECT = {"predicate": STRING, "term": STRING, "predicate_label": STRING, "object": STRING, "object_label": STRING}
SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": obj({"code": STRING, "message": STRING})}),
    "Health": obj(
        {"status": {"type": "string", "enum": ["ok"]}, "triples": INTEGER, "entities": INTEGER, "facts": INTEGER}
    ),
    "Entity": obj({"id": STRING, "iri": STRING, "label": STRING, "type": STRING, "aliases": array(STRING)}),
    "Evidence": obj(
        {"source": STRING, "line": INTEGER, "text": STRING, "rule": STRING}, {"contrast": STRING, "section": STRING}
    ),
    "SharedFact": obj({**FACT_OBJECT, "object_is_entity": BOOLEAN}),
    "Fact": obj(
        {"subject": STRING, "subject_label": STRING, **FACT_OBJECT, "object_is_entity": BOOLEAN, "support": INTEGER,
         "confidence": NUMBER, "contradicted": BOOLEAN, "sources": array(STRING), "evidence": array(ref("Evidence"))}
    ),
    "Answer": obj(
        {"question": STRING, "answered": BOOLEAN, "kind": STRING, "answer": STRING,
         "entities": array({"type": "object", "additionalProperties": STRING}), "facts": array({"type": "object"}),
         "evidence": array({"type": "object"}), "sparql": array(STRING),
         "comparison": {"type": "object", "nullable": True}, "suggestions": array(STRING),
         "points": array({"type": "object"}), "steps": array(STRING), "verdict": STRING}
    ),
    "EntityList": obj({"query": STRING, "entities": array(ref("Entity"))}),
    "EntityFacts": obj({"entity": ref("Entity"), "facts_out": array(ref("Fact")), "facts_in": array(ref("Fact"))}),
    "Comparison": obj(
        {"a": ref("Entity"), "b": ref("Entity"), "shared": array(ref("SharedFact")), "only_a": array(ref("Fact")),
         "only_b": array(ref("Fact")), "between": array(ref("Fact"))}
    ),
    "Step": obj({"source": STRING, "predicate": STRING, "term": STRING, "target": STRING, "support": INTEGER}),
    "Paths": obj(
        {"from": ref("Entity"), "to": ref("Entity"),
         "paths": array(obj({"nodes": array(ref("Entity")), "edges": array(ref("Step"))}))}
    ),
    "Elements": obj(
        {"nodes": array(obj({"data": obj({"id": STRING, "label": STRING, "type": STRING, "support": INTEGER,
                                          "degree": INTEGER}),
                             "position": obj({"x": NUMBER, "y": NUMBER})})),
         "edges": array(obj({"data": obj({"id": STRING, "source": STRING, "target": STRING, "predicate": STRING,
                                          "term": STRING, "label": STRING, "support": INTEGER})})),
         "total": obj({"nodes": INTEGER, "edges": INTEGER})}
    ),
    "Vocabulary": obj(
        {"prefixes": {"type": "object", "additionalProperties": STRING},
         "classes": array(obj({"term": STRING, "label": STRING, "count": INTEGER})),
         "predicates": array(obj({"term": STRING, "name": STRING, "label": STRING, "count": INTEGER})),
         "standard": array(obj({"term": STRING, "label": STRING, "kind": STRING}))}
    ),
}  # fmt: skip


def param(name: str, schema: dict[str, Any], description: str, *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": ref("Error")}}}


def operation(summary: str, content: dict[str, Any], params: list[dict[str, Any]], **errors: str) -> dict[str, Any]:
    """An operation answering `content` (media type -> schema), `errors` (e400=...) and else an Error."""
    responses: dict[str, Any] = {"200": {"description": "OK", "content": content}}
    responses |= {status.removeprefix("e"): error(text) for status, text in errors.items()}
    responses["default"] = error("any other error, in the same JSON shape")
    return {"summary": summary, "parameters": params, "responses": responses}


def json_operation(summary: str, schema: str, params: list[dict[str, Any]], **errors: str) -> dict[str, Any]:
    return operation(summary, {JSON: {"schema": ref(schema)}}, params, **errors)


def body(content: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"required": True, "content": {media: {"schema": schema} for media, schema in content.items()}}


def sparql_operations() -> dict[str, Any]:
    query = {"type": "string", "minLength": 1}
    results: dict[str, Any] = {f.media_type: {"schema": {}} for f in (*RESULT_FORMATS, *GRAPH_FORMATS)}
    errors = {
        "e400": "not a SPARQL query, or it failed",
        "e403": "an Update, SERVICE, FROM or a file: IRI",
        "e406": "no acceptable result format",
        "e413": "the request body is too large",
        "e503": "the query ran too long or needed too much memory, and was stopped",
    }
    get = operation(
        "A SPARQL 1.1 query; without one, the service description",
        results,
        [param("query", query, "a read-only SPARQL query")],
        **errors,
    )
    post = operation("A SPARQL 1.1 query by POST", results, [], **errors, e415="the body is not a form or a query")
    post["requestBody"] = body({FORM: obj({"query": query}), "application/sparql-query": query})
    headers = {
        ROW_CAP_HEADER: {"description": "SELECT: the most rows a response has", "schema": INTEGER},
        TRUNCATED_HEADER: {"description": "SELECT: whether rows were cut", "schema": {"type": "string"}},
    }
    for op in (get, post):
        op["responses"]["200"]["headers"] = headers
    return {"get": get, "post": post}


def spec(config: Mapping[str, Any]) -> dict[str, Any]:
    question = {"type": "string", "minLength": 1, "maxLength": config["MAX_QUESTION"], "pattern": r"\S"}
    ask_post = json_operation("Answer a question (form or JSON body)", "Answer", [], e400="no or bad question")
    ask_post["requestBody"] = body({FORM: obj({"q": question}), JSON: obj({"q": question})})
    export_formats = param("format", {"type": "string", "enum": list(EXPORTS), "default": "ttl"}, "file format")
    export_content = {media: {"schema": STRING} for _, media in EXPORTS.values()}
    export_content["application/ld+json"] = {"schema": array({"type": "object"})}  # expanded JSON-LD
    entity_id = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": STRING,
        "description": "the last part of its IRI",
    }
    paths = {
        "/healthz": {"get": json_operation("Liveness and the size of the graph", "Health", [])},
        "/api/ask": {
            "get": json_operation(
                "Answer a question, with evidence",
                "Answer",
                [param("q", question, "the question", required=True)],
                e400="no or bad question",
            ),
            "post": ask_post,
        },
        "/api/entities": {
            "get": json_operation(
                "Entities by label, alias or id prefix (every entity without q)",
                "EntityList",
                [param("q", STRING, "search text"), param("limit", integer(1, MAX_LIMIT, 50), "most entities")],
                e400="bad limit",
            )
        },
        "/api/entities/{id}": {
            "get": json_operation(
                "An entity with every fact from and to it, with evidence",
                "EntityFacts",
                [entity_id],
                e404="no such entity",
            )
        },
        "/api/compare": {
            "get": json_operation(
                "What two entities share, what only one has and how they link",
                "Comparison",
                [param("a", NAME, "an entity", required=True), param("b", NAME, "another entity", required=True)],
                e400="missing parameter",
                e404="no such entity",
            )
        },
        "/api/path": {
            "get": json_operation(
                "The shortest paths between two entities",
                "Paths",
                [
                    param("from", NAME, "where paths start", required=True),
                    param("to", NAME, "where paths end", required=True),
                    param("limit", integer(1, MAX_PATHS, 3), "most paths"),
                ],
                e400="missing or bad parameter",
                e404="no such entity",
            )
        },
        "/api/graph": {
            "get": json_operation(
                "Cytoscape.js elements of the graph, or of an entity's neighbourhood, placed by one fixed layout",
                "Elements",
                [
                    param("focus", NAME, "the centre (default: the whole graph)"),
                    param(
                        "limit",
                        integer(0, 1_000_000, 0),
                        "only the most connected entities and their best supported relations (0: all)",
                    ),
                    param("depth", integer(0, config["MAX_DEPTH"], 1), "hops from the focus"),
                    param("relations", STRING, "only these relations, comma-separated"),
                ],
                e400="bad parameter",
                e404="no such entity",
            )
        },
        "/api/vocabulary": {
            "get": json_operation("Prefixes, classes and predicates of the graph, for completion", "Vocabulary", [])
        },
        "/api/export": {
            "get": operation("The whole graph as a file", export_content, [export_formats], e400="unknown format")
        },
        "/api/openapi.json": {"get": operation("This description", {JSON: {"schema": {"type": "object"}}}, [])},
        "/sparql": sparql_operations(),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "kgqa",
            "version": "1",
            "description": "Study notes as a knowledge graph: answers with evidence, entities, paths, a graph "
            "view, exports and a read-only SPARQL endpoint. Errors are JSON: {error: {code, message}}.",
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
