"""The pure core: a request in plain data becomes desired resources and results.

``compose`` reads top to bottom: read the Input and the composite, parse,
default, validate, render each part, guard the existing table, then readiness
and status. Any problem with the request ends in a Fatal ``Outcome``; nothing
here raises for bad input, and nothing here knows about gRPC or protobuf.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from function.api.access import (
    access_checks,
    check_access_input,
    check_access_size,
    plan_access,
)
from function.api.alarms import alarm_checks, check_alarm_input, plan_alarms
from function.api.autoscaling import autoscaled, autoscaling_checks, plan_autoscaling
from function.api.defaults import apply_defaults
from function.api.input import FunctionInput
from function.api.lenient import cross_field_problems
from function.api.parse import parse_model, parse_spec
from function.api.replicas import replica_checks, replica_settings
from function.api.resource_policy import check_resource_policy
from function.api.rules import Violation, format_violations
from function.api.scheduling import schedule_checks
from function.api.sources import check_replica_regions_allowed, check_sources
from function.api.spec import AwsDynamodbSpec
from function.api.table_options import TABLE_OPTION_CHECKS
from function.api.tenancy import (
    adoptable_tables,
    claim_tag_conflicts,
    default_table_name,
    explicit_table_name,
    name_prefix,
    policy_checks,
)
from function.api.validation import check_table_name, validate_spec, violation
from function.render.access_policies import access_outputs, access_policies_contribution
from function.render.alarms import alarms_contribution
from function.render.apply import keep_init_provider_objects
from function.render.autoscaling import autoscaling_contribution
from function.render.composite import Composite, read_composite
from function.render.context import RenderContext
from function.render.contribution import Contribution
from function.render.create_source import keep_create_sources
from function.render.gsi_echo import echo_live_gsi_fields
from function.render.insights import insights_contribution
from function.render.observed import read_observed_table
from function.render.replicas import (
    replica_autoscaling_contribution,
    replica_blocks,
    replica_recovery_warnings,
)
from function.render.resource_policy import resource_policy_contribution, table_arn
from function.render.settle import settle_applied_blocks
from function.render.status import connection_details, not_synced, ready_in, table_outputs
from function.render.table import TABLE_NAME, render_table
from function.render.throughput import hold_gsi_warm_throughput, hold_table_warm_throughput
from function.safety.antipatterns import anti_pattern_warnings
from function.safety.guards import TableShape, check_table_change, keep_table_identity, table_shape
from function.safety.ownership import (
    Decision,
    Stage,
    Wanted,
    decide,
    foreign_message,
    managed_name,
    not_owned_message,
    observing_tags,
    owner_id,
    ownership_tags,
    reports_absent,
)
from function.safety.provenance import believed_resources
from function.safety.replicas import check_replica_changes, observed_replicas, refusal_message

__all__ = ["Composed", "Contribution", "Outcome", "Request", "Result", "compose", "read_input"]

Severity = Literal["Fatal", "Warning", "Normal"]


@dataclass(frozen=True)
class Request:
    """The parts of a RunFunctionRequest the function reads, as plain data."""

    composite: Any
    observed: Mapping[str, Any] = field(default_factory=dict)
    input: Any = None
    # Spec fields the edge did not convert because they are surely too large:
    # their path and rule, each refused like any invalid field.
    oversized: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Result:
    """A result for the composite and its claim (Crossplane's word)."""

    severity: Severity
    message: str
    reason: str = ""


@dataclass
class Composed:
    """A desired composed resource and whether its observed twin is ready."""

    body: dict[str, Any]
    ready: bool = False


@dataclass
class Outcome:
    """Everything the servicer writes into the response."""

    results: list[Result] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    resources: dict[str, Composed] = field(default_factory=dict)
    status: dict[str, Any] = field(default_factory=dict)
    connection_details: dict[str, bytes] = field(default_factory=dict)
    # Why the composite is not ready yet although its emitted resources may be:
    # resources held back (autoscaling, insights) do not count toward readiness.
    pending: list[str] = field(default_factory=list)
    # Observed resources whose provider reconcile fails (Synced=False): the
    # provider's own message, by composition resource name.
    not_synced: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fatal(self) -> bool:
        """A fatal outcome: Crossplane must apply nothing."""
        return any(r.severity == "Fatal" for r in self.results)


Renderer = Callable[[RenderContext, Mapping[str, Any]], Contribution]


# What a Fatal says is invalid, by its reason.
_SUBJECTS = {
    "InvalidInput": "function Input",
    "InvalidSpec": "AwsDynamodb spec",
    "WrongCompositeType": "composite",
}


def check_composite_type(composite: Any, fn_input: FunctionInput) -> list[Violation]:
    """The composite is the type the Input names: a Composition wired to another XRD
    (or a platform's group left out of the Input) is refused, never half composed."""
    xr = composite if isinstance(composite, dict) else {}
    want = fn_input.composite_type_ref
    got = (xr.get("apiVersion"), xr.get("kind"))
    if got == (want.api_version, want.kind):
        return []
    path = "apiVersion" if got[0] != want.api_version else "kind"
    detail = f"got {got[0]} {got[1]}; the Input names {want.api_version} {want.kind}"
    return [violation(path, "composite_type", detail)]


def _fatal(reason: str, violations: list[Violation], warnings: Sequence[str] = ()) -> Outcome:
    """One Fatal result listing every problem; warnings still reach the user."""
    message = format_violations(violations, _SUBJECTS[reason])
    results = [Result("Warning", w, "DeprecatedSpelling") for w in warnings]
    return Outcome(results=[*results, Result("Fatal", message, reason)], violations=violations)


def table_contribution(ctx: RenderContext, observed: Mapping[str, Any]) -> Contribution:
    """The Table, with its replica blocks once they may exist."""
    table = render_table(ctx)
    replicas, waiting = replica_blocks(ctx, observed)
    if replicas:
        table["spec"]["forProvider"]["replica"] = replicas
    # What the table was created from stays as it was (render/create_source.py).
    warnings = keep_create_sources(table, observed.get(TABLE_NAME))
    warnings += hold_table_warm_throughput(table, observed.get(TABLE_NAME))
    warnings += hold_gsi_warm_throughput(table, observed.get(TABLE_NAME), ctx.spec)
    echo_live_gsi_fields(table, observed.get(TABLE_NAME))
    # What AWS already has, AWS may raise by itself: the provider stops comparing it.
    settle_applied_blocks(table, observed.get(TABLE_NAME))
    warnings += replica_recovery_warnings(ctx)
    return Contribution(resources={TABLE_NAME: table}, pending=waiting, warnings=warnings)


# Each renderer adds its resources; later renderers may depend on earlier ones' output.
RENDERERS: list[Renderer] = [
    table_contribution,
    insights_contribution,
    resource_policy_contribution,
    autoscaling_contribution,
    replica_autoscaling_contribution,
    alarms_contribution,
    access_policies_contribution,
]


def _table_name(
    spec_name: str | None,
    composite: Composite,
    fn_input: FunctionInput,
    prefix: str | None,
    observed: Any,
) -> tuple[str, str]:
    if spec_name:
        return explicit_table_name(spec_name, prefix, managed_name(observed)), "spec.tableName"
    name = default_table_name(composite.name, composite.namespace, fn_input.tenancy, prefix)
    return name, "metadata.name"


def _tenancy_warnings(
    composite: Composite, given_tags: Mapping[str, str], fn_input: FunctionInput, first: bool
) -> list[Result]:
    out = [
        Result(
            "Warning",
            f"spec.tags[{key!r}]: the Composition sets this tag; its value is used",
            "PlatformTag",
        )
        for key in claim_tag_conflicts(given_tags, fn_input.tags)
    ]
    explicit = isinstance(composite.spec, dict) and bool(composite.spec.get("tableName"))
    if first and explicit and composite.tenant and fn_input.tenancy.table_name_prefix is None:
        out.append(
            Result(
                "Warning",
                "spec.tableName: table names are shared by every namespace using this AWS "
                "account; the platform can give each namespace its own with "
                "tenancy.tableNamePrefix in the function's Input (see docs/safety.md)",
                "TableNamePolicy",
            )
        )
    return out


def _mark_owned(outcome: Outcome, composite: Composite, wanted: Wanted, observing: bool) -> None:
    """The ownership tags on the Table only: they say whose table it is, nothing else's.

    While observing, the name asked about too: it makes a new name a new generation.
    """
    table = outcome.resources.get(TABLE_NAME)
    if table is not None:
        fp = table.body["spec"]["forProvider"]
        marks = {**ownership_tags(composite), **(observing_tags(wanted) if observing else {})}
        fp["tags"] = {**fp.get("tags", {}), **marks}


def _for_stage(decision: Decision, observed: Mapping[str, Any]) -> Mapping[str, Any]:
    """What renderers see: while observing, the Table is nothing to build on."""
    if decision.stage is Stage.MANAGE:
        return observed
    return {k: v for k, v in observed.items() if k != TABLE_NAME}


def guard_table(
    outcome: Outcome, observed: TableShape | None, ctx: RenderContext, observed_table: Any
) -> bool:
    """Refuse (False) any change that would replace the observed table or delete a replica."""
    table = outcome.resources.get(TABLE_NAME)
    if table is None:
        return True
    report = check_table_change(table.body, observed)
    if report.refused:
        outcome.violations = report.refused
        outcome.results.append(Result("Fatal", report.fatal_message, "ImmutableChange"))
        return False
    dropped = check_replica_changes(
        replica_settings(ctx.spec), ctx.spec.allow_replica_removal, observed_table
    )
    if dropped:
        outcome.violations = dropped
        message = refusal_message(ctx.table_name, dropped)
        outcome.results.append(Result("Fatal", message, "ReplicaRemoval"))
        return False
    outcome.results.extend(Result("Warning", text, reason) for reason, text in report.warnings)
    return True


def _data_reach(
    spec: AwsDynamodbSpec,
    *,
    fn_input: FunctionInput,
    composite: Composite,
    prefix: str | None,
    decision: Decision,
    observed_table: Any,
) -> list[Violation]:
    """Where the data comes from (at creation only: sources are kept) and the replicas' regions.

    A replica the managed table has already keeps its region, as the table does.
    """
    tenancy = fn_input.tenancy
    existing = observed_replicas(observed_table) if decision.stage is Stage.MANAGE else {}
    problems = list(check_replica_regions_allowed(spec, tenancy, existing))
    if decision.first_time:
        tenant = composite.tenant is not None
        problems += check_sources(spec, tenancy, tenant=tenant, prefix=prefix)
    return problems


def read_input(raw: Any) -> tuple[FunctionInput | None, list[Violation]]:
    """The Composition step's Input, or None with every problem it is refused for."""
    fn_input, violations, _ = parse_model(FunctionInput, raw or {}, "input")
    if fn_input is None:
        return None, violations
    if problems := [*check_alarm_input(fn_input), *check_access_input(fn_input)]:
        return None, problems
    return fn_input, []


def compose(request: Request) -> Outcome:
    """Turn an observed XAwsDynamodb into its desired managed resources."""
    fn_input, input_problems = read_input(request.input)
    if fn_input is None:
        return _fatal("InvalidInput", input_problems)
    if wrong_type := check_composite_type(request.composite, fn_input):
        return _fatal("WrongCompositeType", wrong_type)

    composite = read_composite(request.composite)
    parsed = parse_spec(composite.spec)
    oversized = [violation(path, rule) for path, rule in request.oversized]
    if parsed.spec is None:
        # Name every field at fault: the cross-field problems of the parts that parsed too.
        lenient = cross_field_problems(parsed.user, parsed.violations, fn_input)
        return _fatal("InvalidSpec", [*parsed.violations, *oversized, *lenient], parsed.warnings)

    spec = apply_defaults(parsed.spec, fn_input)
    # Only what Crossplane composed for this composite (safety/provenance.py).
    believed, untrusted = believed_resources(request.observed, composite)
    distrust = [Result("Warning", w, "UntrustedObservation") for w in untrusted]
    observed_table = believed.get(TABLE_NAME)
    existing = table_shape(observed_table)
    tenant = composite.tenant
    prefix = name_prefix(fn_input.tenancy, tenant[0] if tenant else None)
    # Once a Table exists its name and region stay, even if what they were derived from changes.
    spec, table_name, name_path = keep_table_identity(
        parsed.spec,
        spec,
        _table_name(spec.table_name, composite, fn_input, prefix, observed_table),
        existing,
    )
    # Observe first; manage only a table that is free or this composite's (safety/ownership.py).
    wanted = Wanted(table_name, spec.region or "", fn_input.provider_config_name)
    decision = decide(
        observed_table,
        wanted,
        owner_id(composite),
        adoptable_tables(fn_input.tenancy, tenant, composite.name),
    )
    plan = plan_autoscaling(spec)
    alarm_plan = plan_alarms(spec, fn_input)
    access_plan = plan_access(spec, fn_input)
    problems: list[Violation] = [
        *oversized,
        *validate_spec(
            spec,
            extra=[
                *TABLE_OPTION_CHECKS,
                *autoscaling_checks(plan),
                *schedule_checks(plan),
                *replica_checks(),
                *alarm_checks(alarm_plan),
                *access_checks(fn_input),
            ],
        ),
        *check_table_name(table_name, name_path),
        *check_access_size(spec, table_name, access_plan),
        # Only an ARN of a table that is ours may decide what the policy may name.
        *check_resource_policy(spec, table_name, table_arn(_for_stage(decision, believed))),
        *policy_checks(
            parsed.spec,
            spec,
            tenancy=fn_input.tenancy,
            namespaced=composite.namespaced,
            first_time=decision.first_time,
        ),
        *_data_reach(
            spec,
            fn_input=fn_input,
            composite=composite,
            prefix=prefix,
            decision=decision,
            observed_table=observed_table,
        ),
    ]
    if problems:
        return _fatal("InvalidSpec", problems, parsed.warnings)
    if decision.stage is Stage.FOREIGN:
        # Nothing about the existing table: not its keys, not its ARN, not its tags;
        # not even its name when the claim did not ask for it (a bound XR's table).
        message = foreign_message(table_name) if decision.first_time else not_owned_message()
        return Outcome(results=[*distrust, Result("Fatal", message, "TableNotOwned")])

    observing = decision.stage is Stage.OBSERVE
    # While observing, what AWS reports may be another team's table: no renderer sees it.
    observed = _for_stage(decision, believed)
    ctx = RenderContext(
        spec=spec,
        table_name=table_name,
        composite=composite,
        fn_input=fn_input,
        autoscaled=autoscaled(spec, plan),
        observed=read_observed_table(observed.get(TABLE_NAME)),
        alarms=alarm_plan,
        access=access_plan,
        observe_only=observing,
    )
    outcome = Outcome(results=[Result("Warning", w, "DeprecatedSpelling") for w in parsed.warnings])
    outcome.results += distrust
    outcome.results += _tenancy_warnings(composite, parsed.spec.tags, fn_input, decision.first_time)
    if decision.adopting:
        outcome.results.append(
            Result(
                "Warning",
                f"taking over the existing table {table_name!r}: the Composition's Input lists "
                "it in tenancy.adoptExistingTables",
                "AdoptingTable",
            )
        )
    pending = outcome.pending
    if observing:
        pending.append(
            f"checking that no table {table_name!r} exists yet, or that it is this claim's "
            "(the Table only observes until then)"
        )
    for render in RENDERERS:
        part = render(ctx, observed)
        for name, body in part.resources.items():
            outcome.resources[name] = Composed(body, ready=ready_in(observed, name))
        outcome.results.extend(Result("Warning", w) for w in part.warnings)
        pending.extend(part.pending)
    keep_init_provider_objects({n: c.body for n, c in outcome.resources.items()}, observed)
    _mark_owned(outcome, composite, wanted, observing)
    if not observing and not guard_table(outcome, existing, ctx, observed_table):
        # Only the results: the servicer passes the request's desired state through.
        return Outcome(results=outcome.results, violations=outcome.violations)
    outcome.results.extend(
        Result("Warning", w, "AntiPattern") for w in anti_pattern_warnings(spec, fn_input.warnings)
    )

    # While observing, what AWS reports may be another team's table: only the name.
    outputs = table_outputs(table_name, observed.get(TABLE_NAME))
    if not observing:
        outputs.update(access_outputs(access_plan, observed))
    outcome.status = {"outputs": outputs}
    if composite.legacy:
        outcome.connection_details = connection_details(outputs)
    # A resource the provider cannot sync will never be Ready: its message, not
    # "waiting", is the reason the claim is stuck.
    outcome.not_synced = [
        (name, message)
        for name, message in not_synced(request.observed)
        if not reports_absent(message)
    ]
    stuck = [f"{name} is not Synced: {message}" for name, message in outcome.not_synced]
    if pending:
        outcome.results.append(
            Result("Normal", "waiting: " + "; ".join([*stuck, *pending]), "Pending")
        )
    else:
        outcome.results.extend(Result("Warning", s, "ResourceNotSynced") for s in stuck)
    return outcome
