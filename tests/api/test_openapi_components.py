"""Every model the API reads or answers with is the component of its name in the OpenAPI
document. django-ninja files components by class name, so two models of one name (okrs'
and trackers' `LinkIn`) left one of them described as the other: the document told
clients, and schemathesis, that an initiative's links take `initiative`, `kind` and `ref`
(a tracker link's fields) and the API refused every such body."""

from __future__ import annotations

import typing

import jsonschema_rs
import pydantic
import pytest

from hoshin.api import api
from hoshin.okrs.models import KeyResult


def _types(annotation) -> list:
    found = [annotation]
    for arg in typing.get_args(annotation):
        found += _types(arg)
    return found


def api_models() -> dict[str, set[type]]:
    by_name: dict[str, set[type]] = {}

    def walk(cls, seen=frozenset()):
        if not (isinstance(cls, type) and issubclass(cls, pydantic.BaseModel)) or cls in seen:
            return
        if cls.__module__.startswith("hoshin."):  # not ninja's wrappers of each operation
            by_name.setdefault(cls.__name__, set()).add(cls)
        for f in cls.model_fields.values():
            for t in _types(f.annotation):
                walk(t, seen | {cls})

    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in operation.models or []:  # the request's parameters and body
                    for f in model.model_fields.values():
                        for t in _types(f.annotation):
                            walk(t)
                for response in (operation.response_models or {}).values():
                    for t in _types(response):
                        walk(t)
    return by_name


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema(path_prefix="/api/v1")


def test_no_two_api_models_share_a_component_name(document):
    shared = {name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
              for name, classes in api_models().items() if len(classes) > 1}
    assert shared == {}


def test_each_component_describes_its_own_model(document):
    components = document["components"]["schemas"]
    for name, classes in api_models().items():
        if name not in components or "properties" not in components[name]:
            continue  # inlined, or not an object (a root model)
        (model,) = classes
        fields = {f.alias or n for n, f in model.model_fields.items()}
        assert set(components[name]["properties"]) == fields, name


def test_an_initiatives_links_are_documented_as_the_api_reads_them(document):
    schemas = document["components"]["schemas"]
    links = schemas["InitiativePatch"]["properties"]["links"]["items"]["$ref"]
    assert set(schemas[links.rsplit("/", 1)[-1]]["properties"]) == {"url", "title"}


def test_stopping_work_without_a_reason_is_refused_as_the_document_says(as_, plan, document):
    schema = {**document["components"]["schemas"]["InitiativeCreate"],
              "components": document["components"]}
    check = jsonschema_rs.Draft202012Validator(schema)
    kr = KeyResult.objects.filter(objective__cycle=plan.quarter).first()
    api = as_(plan.office)
    stop = {"key_result": kr.key, "title": "Trade show", "status": "cancelled"}
    for body, valid in ((stop, False), ({**stop, "reason": "  "}, False),
                        ({**stop, "reason": "The budget went to the launch"}, True)):
        assert check.is_valid(body) is valid, body
        answer = api.post("/initiatives", body)
        assert answer.status_code == (201 if valid else 422), answer.content
