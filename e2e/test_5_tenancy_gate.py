"""Tenancy, round two (issue 20), on real Crossplane: the levers Crossplane gives a tenant.

Each scenario makes the attack with kubectl, as a tenant (or, for the unclaimed XR,
the platform then a tenant) would, while the harness plays the provider. The
namespaced-XR decoy runs in test_7_namespaced.py, which owns the v2 XRD.

- a decoy listed in an XR's ``spec.resourceRefs`` as its table is ignored;
- renaming a claim after the provider answered for the old name manages nothing;
- switching a claim to a Composition with another provider config is refused;
- an ``adoptExistingTables`` entry lets only the claim it names adopt;
- a claim binding the platform's unclaimed XR is refused, its table untouched.
"""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import yaml

from e2e import crossplane, provider, scenario
from e2e.controlplane import State
from e2e.kube import Kube, condition, eventually

VICTIM = "web.payments"
FOREIGN_ARN = f"arn:aws:dynamodb:us-east-1:999988887777:table/{VICTIM}"
# Another team's table as upjet would report it: none of this may reach a tenant.
FOREIGN = {
    "arn": FOREIGN_ARN,
    "id": VICTIM,
    "hashKey": "accountId",
    "tags": {"awsdynamodb.fn.project-planton.org/owner": "web/payments", "team": "web"},
}
MARKERS = ("999988887777", "accountId", "web/payments")
HOLD = 8  # seconds a wrong move, had it happened, would have shown


def composition(kube: Kube, name: str, **input_: Any) -> str:
    """examples/composition.yaml under another name, its Input changed by ``input_``."""
    doc = yaml.safe_load((scenario.ROOT / "examples" / "composition.yaml").read_text())
    doc["metadata"]["name"] = name
    doc["spec"]["pipeline"][0]["input"].update(input_)
    kube.apply(json.dumps(doc))
    return name


def table_of(kube: Kube, xr: str) -> dict[str, Any] | None:
    return scenario.by_resource_name(scenario.composed(kube, xr)).get("table")


def refusal(kube: Kube, name: str, namespace: str, reason: str) -> str:
    """The claim's SpecAccepted=False message once it carries ``reason``."""

    def probe() -> str | None:
        cond = condition(kube.get(scenario.CLAIM, name, namespace), "SpecAccepted") or {}
        if cond.get("status") == "False" and cond.get("reason") == reason:
            return str(cond.get("message"))
        return None

    return eventually(f"claim {namespace}/{name} to show {reason}", probe, timeout=scenario.WAIT)


def holds(what: str, probe: Any) -> None:
    """``probe`` stays true for HOLD seconds (further reconciles must not undo it)."""
    deadline = time.monotonic() + HOLD
    while time.monotonic() < deadline:
        assert probe(), what
        time.sleep(1)


def never_seen(kube: Kube, *objs: tuple[str, str, str | None], asked: bool = False) -> None:
    """Nothing of the victim's table in these objects' status; its name only if ``asked``."""
    seen = json.dumps([(kube.get(kind, n, ns) or {}).get("status", {}) for kind, n, ns in objs])
    for marker in MARKERS if asked else (*MARKERS, VICTIM):
        assert marker not in seen, marker


def observe_only_as(table: dict[str, Any] | None, name: str) -> bool:
    return bool(
        table
        and provider.observe_only(table)
        and table["metadata"]["annotations"]["crossplane.io/external-name"] == name
    )


def test_a_decoy_listed_as_a_cluster_xrs_table_is_ignored(kube: Kube) -> None:
    # An uncontrolled Table dressed as "our Table", naming another team's table.
    decoy = {
        "apiVersion": "dynamodb.aws.upbound.io/v1beta2",
        "kind": "Table",
        "metadata": {
            "name": "decoy-table",
            "annotations": {
                "crossplane.io/composition-resource-name": "table",
                "crossplane.io/external-name": VICTIM,
            },
        },
        "spec": {"forProvider": {"region": "us-east-1", "hashKey": "pk"}},
    }
    kube.apply(json.dumps(decoy))
    xr = scenario.example("minimal/xr.yaml")
    xr["metadata"] = {"name": "decoy-xr"}
    xr["spec"] = {k: v for k, v in xr["spec"].items() if k not in ("claimRef", "compositionRef")}
    xr["spec"]["resourceRefs"] = [
        {"apiVersion": decoy["apiVersion"], "kind": "Table", "name": "decoy-table"}
    ]
    scenario.apply(kube, xr)

    # The composite's own Table: observe-only, its own name, never the victim's.
    eventually(
        "decoy-xr's Table to observe its own name",
        lambda: observe_only_as(table_of(kube, "decoy-xr"), "decoy-xr"),
        timeout=scenario.WAIT,
    )
    holds(
        "no Table of the victim's name is managed",
        lambda: (
            not any(
                t["metadata"].get("annotations", {}).get("crossplane.io/external-name") == VICTIM
                and not provider.observe_only(t)
                for t in kube.items("tables.dynamodb.aws.upbound.io")
            )
        ),
    )
    events = kube.run("get", "events", "-A", "-o", "json").stdout
    assert "ignoring the observed resource 'decoy-table'" in events
    never_seen(kube, (scenario.XR, "decoy-xr", None))


def test_renaming_after_the_providers_answer_manages_nothing(kube: Kube, state: State) -> None:
    ns, name = "renamer", "grab"
    scenario.apply(kube, scenario.claim_of("minimal/claim.yaml", name, ns, tableName="free-name"))
    xr = scenario.xr_name_of_claim(kube, name, ns)
    observing = scenario.wait_composed(kube, xr, {"table"})["table"]
    assert observe_only_as(observing, "free-name")

    # The function is held back only to make the window certain: the tenant renames,
    # and the provider answers for 'free-name' (the Table still names it), before the
    # function runs again. (Crossplane's calls wait for a function that is down and
    # go through once it is back, with what they were made of: so the rename first.)
    crossplane.stop_function(state)
    try:
        scenario.apply(kube, scenario.claim_of("minimal/claim.yaml", name, ns, tableName=VICTIM))
        eventually(
            "the XR to carry the new name",
            lambda: (kube.get(scenario.XR, xr) or {}).get("spec", {}).get("tableName") == VICTIM,
            timeout=scenario.WAIT,
        )
        provider.report_absent(kube, observing)
    finally:
        crossplane.start_function(state)

    eventually(
        "the Table to observe the new name",
        lambda: observe_only_as(table_of(kube, xr), VICTIM),
        timeout=180,
    )
    # The answer about 'free-name' must not count for the victim's table.
    holds("the Table only observes", lambda: observe_only_as(table_of(kube, xr), VICTIM))

    # The provider looks again: the victim's table exists and is another team's.
    provider.report(kube, table_of(kube, xr) or {}, FOREIGN, provider.READY)
    message = refusal(kube, name, ns, "TableNotOwned")
    assert f"table {VICTIM!r} already exists and is not owned by this claim" in message
    holds("the Table only observes", lambda: observe_only_as(table_of(kube, xr), VICTIM))
    # The claim asked for the victim's name itself: that name may be said back, nothing more.
    never_seen(kube, (scenario.XR, xr, None), (scenario.CLAIM, name, ns), asked=True)


def _ready_claim(kube: Kube, claim: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    scenario.apply(kube, claim)
    meta = claim["metadata"]
    xr = scenario.xr_name_of_claim(kube, meta["name"], meta["namespace"])
    scenario.make_ready(kube, list(scenario.wait_composed(kube, xr, {"table"}).values()))
    scenario.wait_ready(kube, scenario.XR, xr)
    table = table_of(kube, xr)
    assert table is not None
    return xr, table


def test_switching_composition_cannot_move_a_table_to_another_account(kube: Kube) -> None:
    ns, name = "switcher", "orders"
    team_a = composition(kube, "xawsdynamodb-team-a", providerConfigName="team-a")
    team_b = composition(kube, "xawsdynamodb-team-b", providerConfigName="team-b")
    claim = scenario.claim_of("minimal/claim.yaml", name, ns, compositionRef={"name": team_a})
    xr, table = _ready_claim(kube, claim)
    assert table["spec"]["providerConfigRef"]["name"] == "team-a"

    scenario.apply(kube, {**claim, "spec": {**claim["spec"], "compositionRef": {"name": team_b}}})
    message = refusal(kube, name, ns, "ImmutableChange")
    assert "'team-a' -> 'team-b'" in message
    assert "[provider_config_immutable]" in message

    def unchanged() -> bool:
        now = table_of(kube, xr) or {}
        return bool(
            now.get("spec", {}).get("providerConfigRef", {}).get("name") == "team-a"
            and now["metadata"]["generation"] == table["metadata"]["generation"]
        )

    holds("the Table keeps its provider config", unchanged)


def test_an_adoption_entry_lets_only_the_claim_it_names_adopt(kube: Kube) -> None:
    legacy = "legacy-payments"
    entry = {"namespace": "billing", "name": "payments", "table": legacy}
    migration = composition(
        kube, "xawsdynamodb-migration", tenancy={"adoptExistingTables": [entry]}
    )

    def claim(namespace: str, name: str) -> dict[str, Any]:
        return scenario.claim_of(
            "minimal/claim.yaml",
            name,
            namespace,
            tableName=legacy,
            compositionRef={"name": migration},
        )

    # Made outside Crossplane: no ownership tag. AWS reports it to whichever Table asks.
    existing = {"arn": f"arn:aws:dynamodb:us-east-1:123456789012:table/{legacy}", "id": legacy}
    outcomes = {}
    for namespace, name in (("intruders", "grab"), ("billing", "payments")):
        scenario.apply(kube, claim(namespace, name))
        xr = scenario.xr_name_of_claim(kube, name, namespace)
        table = scenario.wait_composed(kube, xr, {"table"})["table"]
        assert observe_only_as(table, legacy)
        provider.report(kube, table, {**existing, "hashKey": "pk"}, provider.READY)
        outcomes[namespace] = xr

    message = refusal(kube, "grab", "intruders", "TableNotOwned")
    assert f"table {legacy!r} already exists and is not owned by this claim" in message
    eventually(
        "the named claim's Table to be managed",
        lambda: not provider.observe_only(table_of(kube, outcomes["billing"]) or {"spec": {}}),
        timeout=scenario.WAIT,
    )
    holds(
        "the other claim's Table only observes",
        lambda: observe_only_as(table_of(kube, outcomes["intruders"]), legacy),
    )


def test_a_claim_binding_the_platforms_unclaimed_xr_is_refused(kube: Kube) -> None:
    # The platform's own XR, made without a claim, its table protected.
    platform = scenario.example("minimal/xr.yaml")
    platform["metadata"] = {"name": "platform-orders"}
    spec = {k: v for k, v in platform["spec"].items() if k not in ("claimRef", "compositionRef")}
    platform["spec"] = {**spec, "deletionProtectionEnabled": True}
    scenario.apply(kube, platform)
    mrs = scenario.wait_composed(kube, "platform-orders", {"table"})
    scenario.make_ready(kube, list(mrs.values()))
    scenario.wait_ready(kube, scenario.XR, "platform-orders")
    table = table_of(kube, "platform-orders")
    assert table is not None
    tags = table["spec"]["forProvider"]["tags"]
    assert tags["awsdynamodb.fn.project-planton.org/owner"] == "platform-orders"

    # A tenant binds it by name, asking for protection off.
    ns, name = "binder", "grab"
    claim = scenario.claim_of("minimal/claim.yaml", name, ns, deletionProtectionEnabled=False)
    claim["spec"]["resourceRef"] = {
        "apiVersion": f"{scenario.GROUP}/v1",
        "kind": "XAwsDynamodb",
        "name": "platform-orders",
    }
    scenario.apply(kube, claim)
    message = refusal(kube, name, ns, "TableNotOwned")
    assert message == (
        "this composite's table is owned by another claim or composite, so this claim cannot "
        "manage it; create a new claim for a table of its own"
    )
    before = copy.deepcopy(table["spec"])
    holds(
        "the platform's Table is untouched",
        lambda: (table_of(kube, "platform-orders") or {}).get("spec") == before,
    )
