"""The spec's enum types: AWS's current names, with Planton's older spellings accepted.

Each type is a ``Literal`` of the canonical values plus a ``Spelled`` marker
(spellings.py) that normalises the older spellings and lists every accepted one
in the XRD. The ``Optional*`` variants let Planton's ``*_UNSPECIFIED`` mean unset.
"""

from __future__ import annotations

from typing import Annotated, Literal

from function.api.spellings import Spelled

BillingModeName = Literal["PROVISIONED", "PAY_PER_REQUEST"]
_BILLING = Spelled(
    "billingMode",
    BillingModeName,
    {
        "BILLING_MODE_PROVISIONED": "PROVISIONED",
        "BILLING_MODE_PAY_PER_REQUEST": "PAY_PER_REQUEST",
        "BILLING_MODE_UNSPECIFIED": None,
    },
)
BillingMode = Annotated[BillingModeName, _BILLING]
OptionalBillingMode = Annotated[BillingModeName | None, _BILLING]

AttributeTypeName = Literal["S", "N", "B"]
AttributeType = Annotated[
    AttributeTypeName,
    Spelled(
        "attributeDefinitions.type",
        AttributeTypeName,
        {"ATTRIBUTE_TYPE_S": "S", "ATTRIBUTE_TYPE_N": "N", "ATTRIBUTE_TYPE_B": "B"},
    ),
]

KeyTypeName = Literal["HASH", "RANGE"]
KeyType = Annotated[
    KeyTypeName,
    Spelled("keyType", KeyTypeName, {"KEY_TYPE_HASH": "HASH", "KEY_TYPE_RANGE": "RANGE"}),
]

ProjectionTypeName = Literal["ALL", "KEYS_ONLY_PROJECTION", "INCLUDE"]
ProjectionType = Annotated[
    ProjectionTypeName,
    Spelled(
        "projection.type",
        ProjectionTypeName,
        {
            "KEYS_ONLY": "KEYS_ONLY_PROJECTION",
            "PROJECTION_TYPE_ALL": "ALL",
            "PROJECTION_TYPE_KEYS_ONLY": "KEYS_ONLY_PROJECTION",
            "PROJECTION_TYPE_KEYS_ONLY_PROJECTION": "KEYS_ONLY_PROJECTION",
            "PROJECTION_TYPE_INCLUDE": "INCLUDE",
        },
        # AWS's own current name for the projection, not an older spelling: no warning.
        current=frozenset({"KEYS_ONLY"}),
    ),
]

StreamViewTypeName = Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]
_STREAM_VIEW = Spelled(
    "streamViewType",
    StreamViewTypeName,
    {
        "STREAM_VIEW_TYPE_KEYS_ONLY": "KEYS_ONLY",
        "STREAM_VIEW_TYPE_NEW_IMAGE": "NEW_IMAGE",
        "STREAM_VIEW_TYPE_OLD_IMAGE": "OLD_IMAGE",
        "STREAM_VIEW_TYPE_NEW_AND_OLD_IMAGES": "NEW_AND_OLD_IMAGES",
        "STREAM_VIEW_TYPE_UNSPECIFIED": None,
    },
)
StreamViewType = Annotated[StreamViewTypeName, _STREAM_VIEW]
OptionalStreamViewType = Annotated[StreamViewTypeName | None, _STREAM_VIEW]

TableClassName = Literal["STANDARD", "STANDARD_INFREQUENT_ACCESS"]
_TABLE_CLASS = Spelled(
    "tableClass",
    TableClassName,
    {
        "TABLE_CLASS_STANDARD": "STANDARD",
        "TABLE_CLASS_STANDARD_INFREQUENT_ACCESS": "STANDARD_INFREQUENT_ACCESS",
        "TABLE_CLASS_UNSPECIFIED": None,
    },
)
TableClass = Annotated[TableClassName, _TABLE_CLASS]
OptionalTableClass = Annotated[TableClassName | None, _TABLE_CLASS]

# CloudWatch Contributor Insights' modes (UpdateContributorInsights' ContributorInsightsMode).
ContributorInsightsMode = Literal["ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS"]
INSIGHTS_MODE_DOC = (
    "ACCESSED_AND_THROTTLED_KEYS (AWS's default) or THROTTLED_KEYS; only with "
    "contributorInsightsEnabled."
)
