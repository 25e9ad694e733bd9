"""A scale run's figures as text (the JSON beside it has every one)."""

from __future__ import annotations

from typing import Any


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} ms"


def _bucket(bounds: list[float] | tuple[float, float] | None) -> str:
    if not bounds:
        return "-"
    lower, upper = bounds
    return f"{lower * 1000:g}-{upper * 1000:g} ms"


def text(result: dict[str, Any]) -> str:
    n = result["claims"]
    lines = [
        f"e2e-scale: {n} claims ({', '.join(f'{k} {v}' for k, v in result['mix'].items())} of every"
        f" {sum(result['mix'].values())}), applied in {result['apply_seconds']:.1f}s",
        f"  Ready: {result['ready']}/{n}; time to "
        + ", ".join(f"{k} {_s(v)}" for k, v in result["time_to_ready_s"].items()),
        f"  refused: {len(result['refused'])}; claims at the end: {result['claims_seen_at_end']};"
        f" composed resources deleted: {len(result['standin']['deleted'])};"
        f" stand-in reports: {result['standin']['reported']}",
    ]
    for phase, f in result["phases"].items():
        cpu = f["cpu_seconds"]
        lines += [
            f"  {phase} ({f['seconds']:.0f}s): {f['calls']} RunFunction calls"
            f" ({f['calls_per_claim']:.1f} per claim,"
            f" at most {f['calls_per_composite_max']} for one); Crossplane counted"
            f" {f['crossplane_requests']:.0f}, responses {f['crossplane_responses']}",
            f"    in the function: p50 {_ms(f['wall_ms_p50'])}, p99 {_ms(f['wall_ms_p99'])},"
            f" max {_ms(f['wall_ms_max'])}; as Crossplane saw them: p50 in"
            f" {_bucket(f['crossplane_p50_bucket_s'])},"
            f" p99 in {_bucket(f['crossplane_p99_bucket_s'])}",
            f"    function CPU per call: {_ms(f['process_cpu_ms_per_call'])} (process),"
            f" {_ms(f['thread_cpu_ms_mean'])} (serving thread, mean)",
            "    CPU seconds: " + ", ".join(f"{p} {v:.1f}" for p, v in cpu.items()),
        ]
    if restart := result["restart"]:
        lines.append(
            f"  restart at {restart['ready_when_stopped']}/{n} Ready: stopped in"
            f" {restart['stop_seconds']:.1f}s, serving again after {restart['down_seconds']:.1f}s;"
            f" no call answered for {_s(restart['no_call_seconds'])} (first call"
            f" {_s(restart['first_call_after_listening_s'])} after it listened);"
            f" the first claim Ready after the stop came {_s(restart['first_ready_after_stop_s'])}"
            " after it"
        )
    lines.append(
        "  function peak RSS (VmHWM): "
        + ", ".join(f"{mib:.1f} MiB" for mib in result["function_peak_rss_mib"])
    )
    lines.append(f"  load average at each mark: {result['machine']['load']}")
    for error in result["errors"] + result["standin"]["errors"]:
        lines.append(f"  error: {error}")
    return "\n".join(lines)
