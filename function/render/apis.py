"""provider-aws (Upjet family) API versions, per composite scope.

A cluster-scoped composite (Crossplane v1 claims, or a v2 ``Cluster`` XR) gets
the cluster-scoped ``*.aws.upbound.io`` kinds; a namespaced v2 XR gets the
namespaced ``*.aws.m.upbound.io`` twins, which live in the XR's namespace.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CONTRIBUTOR_INSIGHTS",
    "IAM_POLICY",
    "METRIC_ALARM",
    "POLICY",
    "RESOURCE_POLICY",
    "SCHEDULED_ACTION",
    "TABLE",
    "TARGET",
    "ApiKind",
]


@dataclass(frozen=True)
class ApiKind:
    """One managed resource kind, in its cluster and namespaced versions."""

    kind: str
    cluster: str
    namespaced: str

    def api_version(self, namespaced: bool) -> str:
        """The apiVersion to emit for a composite of this scope."""
        return self.namespaced if namespaced else self.cluster


TABLE = ApiKind("Table", "dynamodb.aws.upbound.io/v1beta2", "dynamodb.aws.m.upbound.io/v1beta1")
CONTRIBUTOR_INSIGHTS = ApiKind(
    "ContributorInsights",
    "dynamodb.aws.upbound.io/v1beta1",
    "dynamodb.aws.m.upbound.io/v1beta1",
)
TARGET = ApiKind(
    "Target", "appautoscaling.aws.upbound.io/v1beta1", "appautoscaling.aws.m.upbound.io/v1beta1"
)
POLICY = ApiKind(
    "Policy", "appautoscaling.aws.upbound.io/v1beta2", "appautoscaling.aws.m.upbound.io/v1beta1"
)
# v1beta2 for cluster scope: its scalableTargetAction is an object, as in the .m. v1beta1.
SCHEDULED_ACTION = ApiKind(
    "ScheduledAction",
    "appautoscaling.aws.upbound.io/v1beta2",
    "appautoscaling.aws.m.upbound.io/v1beta1",
)
RESOURCE_POLICY = ApiKind(
    "ResourcePolicy", "dynamodb.aws.upbound.io/v1beta1", "dynamodb.aws.m.upbound.io/v1beta1"
)
METRIC_ALARM = ApiKind(
    "MetricAlarm", "cloudwatch.aws.upbound.io/v1beta2", "cloudwatch.aws.m.upbound.io/v1beta1"
)
# IAM is global: the Policy kind has no region (render/access_policies.py drops it).
IAM_POLICY = ApiKind("Policy", "iam.aws.upbound.io/v1beta1", "iam.aws.m.upbound.io/v1beta1")
