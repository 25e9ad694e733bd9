"""The generator: pydantic JSON Schema in, Kubernetes structural schema out."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from function.generate.schema import SchemaError, structural_schema
from tests.admission import admit


class Inner(BaseModel):
    """The inner model's docstring."""

    n: int = 1


class Sample(BaseModel):
    positive: int = Field(gt=0, le=10)
    step: int = Field(default=5, multiple_of=5)
    labels: set[str] = Field(default_factory=set)
    mode: Literal["on"] = "on"
    inner: Inner | None = Field(default=None, description="The field's own words.")
    plain: Inner = Field(default_factory=Inner)


def _prop(name: str) -> dict[str, Any]:
    return structural_schema(Sample.model_json_schema(by_alias=True))["properties"][name]


@pytest.mark.parametrize(
    ("field", "want"),
    [
        ("positive", {"type": "integer", "maximum": 10, "minimum": 0, "exclusiveMinimum": True}),
        ("step", {"type": "integer", "multipleOf": 5}),
        ("labels", {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"}),
        ("mode", {"type": "string", "enum": ["on"], "maxLength": 2}),
    ],
)
def test_constraints_become_their_openapi_3_0_form_and_defaults_go(
    field: str, want: dict[str, Any]
) -> None:
    assert _prop(field) == want


def test_a_fields_description_wins_over_its_models_docstring() -> None:
    assert _prop("inner")["description"] == "The field's own words."
    assert _prop("plain")["description"] == "The inner model's docstring."
    assert _prop("inner")["properties"] == {"n": {"type": "integer"}}


def test_exclusive_bounds_are_enforced_by_the_admission_stand_in() -> None:
    schema = structural_schema(Sample.model_json_schema(by_alias=True))
    assert admit({"positive": 1}, schema) == []
    assert [r.path for r in admit({"positive": 0}, schema)] == ["positive"]


class _Tuple(BaseModel):
    pair: tuple[int, int]


class _Union(BaseModel):
    either: int | str


class _Pattern(BaseModel):
    by_key: dict[str, int] = Field(json_schema_extra={"propertyNames": {"pattern": "^a"}})


@pytest.mark.parametrize("model", [_Tuple, _Union, _Pattern], ids=["tuple", "union", "unknown"])
def test_what_kubernetes_cannot_express_is_refused_not_dropped(model: type[BaseModel]) -> None:
    with pytest.raises(SchemaError):
        structural_schema(model.model_json_schema(by_alias=True))


class _FreeForm(BaseModel):
    document: dict[str, Any] | None = None
    labels: dict[str, str] = Field(default_factory=dict)


def test_a_free_form_object_is_kept_whole_and_a_typed_map_is_not() -> None:
    # Without x-kubernetes-preserve-unknown-fields the API server would prune
    # every key of a policy document before the function saw it.
    props = structural_schema(_FreeForm.model_json_schema(by_alias=True))["properties"]
    assert props["document"] == {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    assert props["labels"] == {"type": "object", "additionalProperties": {"type": "string"}}
