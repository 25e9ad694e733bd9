"""Read-only or write-only autoscaling and scheduled scaling (ScheduledActions), rendered."""

from __future__ import annotations

from typing import Any

import pytest

from function.render.scheduled_scaling import schedule_name
from tests.options_support import assert_valid_for_the_provider, pending, ready, render

SCHEDULED: dict[str, Any] = {
    "tableName": "orders",
    "billingMode": "PROVISIONED",
    "provisionedThroughput": {"readCapacityUnits": 10, "writeCapacityUnits": 5},
    "attributeDefinitions": [{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
    "autoScaling": {
        "write": {"enabled": False},
        "schedules": [
            {
                "name": "weekday-morning",
                "schedule": "cron(0 7 ? * MON-FRI *)",
                "timezone": "Europe/Paris",
                "read": {"minCapacity": 50, "maxCapacity": 400},
            }
        ],
    },
    "globalSecondaryIndexes": [
        {
            "name": "by-g",
            "keySchema": [{"attributeName": "g", "keyType": "HASH"}],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
            "provisionedThroughput": {"readCapacityUnits": 5, "writeCapacityUnits": 5},
            "autoScaling": {"write": {"enabled": True}},
        }
    ],
}


def test_read_only_table_hands_only_read_capacity_to_the_autoscaler() -> None:
    first = render(SCHEDULED)
    table = first.resources["table"].body["spec"]
    assert table["initProvider"]["readCapacity"] == 10
    assert "writeCapacity" not in table["initProvider"]
    assert table["forProvider"]["writeCapacity"] == 5  # fixed: the provider keeps applying it
    observed = {
        "table": ready(first.resources["table"].body, {"globalSecondaryIndex": [{"name": "by-g"}]})
    }
    names = set(render(SCHEDULED, observed).resources)
    # The table scales read only; the index inherits write off but turns it back on.
    assert {"table-read-target", "index-by-g-read-target", "index-by-g-write-target"} <= names
    assert "table-write-target" not in names


@pytest.mark.parametrize("namespaced", [False, True], ids=["cluster", "namespaced"])
def test_schedule_waits_for_its_target_then_leaves_the_targets_bounds_to_it(
    namespaced: bool,
) -> None:
    first = render(SCHEDULED, namespaced=namespaced)
    table = ready(first.resources["table"].body, {"globalSecondaryIndex": [{"name": "by-g"}]})
    second = render(SCHEDULED, {"table": table}, namespaced=namespaced)
    name = "table-read-schedule-weekday-morning"
    assert name not in second.resources
    assert f"{name} waits for table-read-target to be ready" in pending(second)

    target = second.resources["table-read-target"].body
    # The schedule moves the bounds; the provider must not set them back.
    assert target["spec"]["initProvider"] == {"minCapacity": 10, "maxCapacity": 40}
    assert "minCapacity" not in target["spec"]["forProvider"]
    assert target["spec"]["managementPolicies"] == ["Observe", "Create", "Update", "Delete"]
    unscheduled = second.resources["index-by-g-read-target"].body["spec"]
    assert unscheduled["forProvider"]["minCapacity"] == 5
    assert "initProvider" not in unscheduled and "managementPolicies" not in unscheduled

    observed = {"table": table, "table-read-target": ready(target)}
    third = render(SCHEDULED, observed, namespaced=namespaced)
    action = third.resources[name].body
    assert action["kind"] == "ScheduledAction"
    assert action["spec"]["forProvider"] == {
        "region": "us-east-1",
        "name": "weekday-morning",
        "resourceId": "table/orders",
        "scalableDimension": "dynamodb:table:ReadCapacityUnits",
        "serviceNamespace": "dynamodb",
        "schedule": "cron(0 7 ? * MON-FRI *)",
        "timezone": "Europe/Paris",
        "scalableTargetAction": {"minCapacity": "50", "maxCapacity": "400"},
    }
    assert_valid_for_the_provider(third)

    # The target goes briefly unready: the schedule exists, so it stays.
    observed = {"table": table, "table-read-target": target, name: action}
    assert name in render(SCHEDULED, observed, namespaced=namespaced).resources


def test_long_schedule_names_stay_within_63_characters_and_apart() -> None:
    index = "an-index-with-a-rather-long-name-of-forty-four"[:44]
    a = schedule_name(index, "write", "a" * 32)
    b = schedule_name(index, "write", "a" * 31 + "b")
    assert len(a) <= 63 and len(b) <= 63 and a != b
    assert schedule_name(None, "read", "peak") == "table-read-schedule-peak"
