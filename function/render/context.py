"""The facts every renderer shares: the defaulted spec and where resources go."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from function.api.access import AccessPlan
from function.api.alarms import AlarmPlan
from function.api.autoscaling import Scaled
from function.api.input import FunctionInput
from function.api.spec import AwsDynamodbSpec
from function.render.apis import ApiKind
from function.render.composite import Composite
from function.render.observed import ObservedTable

__all__ = ["EXTERNAL_NAME", "RenderContext"]

EXTERNAL_NAME = "crossplane.io/external-name"


@dataclass(frozen=True)
class RenderContext:
    """A validated, defaulted request, ready to render."""

    spec: AwsDynamodbSpec
    table_name: str
    composite: Composite
    fn_input: FunctionInput
    # What to autoscale (api/autoscaling.py's autoscaled), worked out once per request.
    autoscaled: list[Scaled] = field(default_factory=list)
    # The Table the provider already observes (defaults: none yet).
    observed: ObservedTable = field(default_factory=ObservedTable)
    # The table's alarm settings (api/alarms.py's plan_alarms); None: no alarms.
    alarms: AlarmPlan | None = None
    # The table's access policies (api/access.py's plan_access); None: none.
    access: AccessPlan | None = None
    # The Table only observes until the function knows the table is free or its own.
    observe_only: bool = False

    @property
    def child_tags(self) -> dict[str, str]:
        """Tags of every resource but the Table: the Input's, and the claim's only if asked.

        A claim's 43 longest tags, copied onto every Target and Alarm, multiply the
        answer's size by the number of resources; the Table always has them all.
        """
        if self.fn_input.claim_tags_on_every_resource:
            return dict(self.spec.tags)
        return dict(self.fn_input.tags)

    @property
    def region(self) -> str:
        """Validation guarantees a region before anything renders."""
        return self.spec.region or ""

    def skeleton(self, api: ApiKind, external_name: str | None = None) -> dict[str, Any]:
        """A managed resource with apiVersion, kind, metadata and providerConfigRef."""
        namespaced = self.composite.namespaced
        metadata: dict[str, Any] = {}
        if namespaced:
            metadata["namespace"] = self.composite.namespace
        if external_name is not None:
            metadata["annotations"] = {EXTERNAL_NAME: external_name}
        spec: dict[str, Any] = {"forProvider": {"region": self.region}}
        name = self.fn_input.provider_config_name
        if name is not None:
            ref: dict[str, str] = {"name": name}
            if namespaced:
                ref["kind"] = self.fn_input.provider_config_kind
            spec["providerConfigRef"] = ref
        resource: dict[str, Any] = {"apiVersion": api.api_version(namespaced), "kind": api.kind}
        if metadata:
            resource["metadata"] = metadata
        resource["spec"] = spec
        return resource
