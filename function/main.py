"""The function's command line: serve, render, validate, and the generated docs, XRDs and CRD."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click
import yaml
from crossplane.function import cli as sdkcli
from crossplane.function.proto.v1 import run_function_pb2 as fnv1

from function.__version__ import __version__

# Each command imports what it needs when it runs: `serve` and `render` need
# neither the generators (XRD, CEL, docs) nor each other's modules, and every
# import is paid at every start (docs/performance.md, Start fast).


@click.group()
@click.version_option(__version__, prog_name="function-aws-dynamodb")
def cli() -> None:
    """function-aws-dynamodb: DynamoDB tables for Crossplane."""


@cli.command()
@sdkcli.standard_options
def serve(max_recv_message_size: int, max_send_message_size: int | None, **kwargs: object) -> None:
    """Serve RunFunction over gRPC (v1 and v1beta1)."""
    _check_transport(kwargs.get("insecure"), kwargs.get("tls_certs_dir"))
    if max_send_message_size is None:
        # A response carries the request's desired state back plus what this
        # function adds (a few kB), so it can outgrow a request that was just
        # under the receive limit. The headroom keeps this server from refusing
        # to send it; Crossplane's own client still refuses any response over
        # gRPC's 4 MiB default (docs/safety.md), which is the real limit.
        max_send_message_size = max_recv_message_size + 1
    from function.serve import runtime
    from function.serve.servicer import FunctionRunner

    runtime.run(
        FunctionRunner(),
        max_recv_message_size=max_recv_message_size,
        max_send_message_size=max_send_message_size,
        **kwargs,  # type: ignore[arg-type]
    )


# What Crossplane mounts into a function's TLS certificate directory.
_TLS_FILES = ("tls.crt", "tls.key", "ca.crt")


def _check_transport(insecure: object, certs_dir: object) -> None:
    """Exactly one of plaintext and mTLS; a clear error, never a traceback, otherwise."""
    if insecure and certs_dir:
        # The SDK would bind both listeners to the same port and answer some
        # plaintext clients: a certificate directory must mean mTLS only.
        raise click.ClickException(
            "--insecure (INSECURE) and --tls-certs-dir (TLS_SERVER_CERTS_DIR) exclude each "
            "other: give one"
        )
    if not insecure and not certs_dir:
        raise click.UsageError(
            "give --tls-certs-dir DIR (or TLS_SERVER_CERTS_DIR) to serve mTLS, or --insecure "
            "(or INSECURE=true) to serve plaintext for development"
        )
    if certs_dir:
        missing = [f for f in _TLS_FILES if not (Path(str(certs_dir)) / f).is_file()]
        if missing:
            raise click.ClickException(f"--tls-certs-dir {certs_dir}: missing {', '.join(missing)}")


def _load(paths: list[str] | tuple[str, ...]) -> list[dict[str, Any]]:
    """YAML documents from files or directories; a bad file is a usage error, not a traceback."""
    from function import offline

    try:
        return offline.load_documents(paths)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise click.ClickException(f"cannot read {', '.join(paths)}: {exc}") from exc


def _observed(paths: tuple[str, ...]) -> list[dict[str, Any]]:
    """The observed resources; a warning for each document render cannot use."""
    from function import offline

    try:
        found = offline.load_files(paths)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise click.ClickException(f"cannot read {', '.join(paths)}: {exc}") from exc
    for path, doc in found:
        if offline.resource_name(doc) is None:
            meta = doc.get("metadata")
            name = meta.get("name", "?") if isinstance(meta, dict) else "?"
            click.echo(
                f"warning: {path}: ignoring {doc.get('kind', '?')}/{name}: it has no "
                f"{offline.RESOURCE_NAME_ANNOTATION} annotation, so it is no composed "
                "resource Crossplane would observe",
                err=True,
            )
    return [doc for _, doc in found]


def _single(docs: list[dict[str, Any]], what: str) -> dict[str, Any]:
    if len(docs) != 1:
        raise click.UsageError(f"{what} must hold exactly one YAML document, found {len(docs)}")
    return docs[0]


@cli.command("render")
@click.argument("xr", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--observed",
    "-o",
    multiple=True,
    type=click.Path(exists=True),
    help="Observed composed resources: YAML files or directories (repeatable).",
)
@click.option(
    "--input",
    "input_file",
    type=click.Path(exists=True, dir_okay=False),
    help="The function's Input.",
)
def render_cmd(xr: str, observed: tuple[str, ...], input_file: str | None) -> None:
    """Render XR (with observed resources) and print the desired state as YAML.

    XR is an XAwsDynamodb, or an AwsDynamodb claim, rendered as the cluster-scoped
    composite Crossplane makes of it; with an --input whose compositeTypeRef names a
    platform's own type (function xrd --group --kind), that type and its claim.
    """
    from function import offline
    from function.generate import yamlout

    doc = _single(_load([xr]), "XR")
    fn_input = _single(_load([input_file]), "--input") if input_file else None
    try:
        composite = offline.composite_of(doc, api=offline.input_api(fn_input))
    except ValueError as exc:
        raise click.ClickException(f"{xr}: {exc}") from exc
    if composite is not doc:
        meta = doc["metadata"]
        click.echo(
            f"rendering claim {meta['namespace']}/{meta['name']} as Crossplane does: as the "
            f"cluster-scoped {composite['kind']} {composite['metadata']['name']} (Crossplane "
            f"gives it a random suffix for the {offline.GENERATED_SUFFIX!r}; the table is named "
            "after it unless spec.tableName is set)",
            err=True,
        )
    req = offline.build_request(composite, _observed(observed), fn_input)
    rsp = offline.render(req)
    click.echo(yamlout.dump_all(offline.response_documents(rsp), sort_keys=False), nl=False)
    fatal = [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    if fatal:
        for message in fatal:
            click.echo(message, err=True)
        sys.exit(1)


@cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--input",
    "input_file",
    type=click.Path(exists=True, dir_okay=False),
    help="The function's Input (default: the one Input, or Composition step Input, among FILES).",
)
def validate_cmd(files: tuple[str, ...], input_file: str | None) -> None:
    """Check claims, XRs and Inputs offline as render does; print every problem, exit 1 if any.

    Folders are read with their subfolders. Claims and XRs are judged with the
    function's Input: --input, else the one Input among FILES (alone or in a
    Composition's pipeline).
    """
    from function import offline

    try:
        found_files = offline.load_files(files, recursive=True)
        if input_file:
            fn_input: dict[str, Any] | None = _single(_load([input_file]), "--input")
            source: str | None = input_file
        else:
            found = offline.find_input(found_files)
            fn_input, source = found if found else (None, None)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise click.ClickException(f"cannot validate {', '.join(files)}: {exc}") from exc
    result = offline.validate_files(found_files, fn_input)
    if source:
        click.echo(f"claims and XRs judged with the function Input of {source}", err=True)
    elif result.checked:
        click.echo(
            "no function Input given or found: claims and XRs judged without one (what the "
            "Composition's Input sets, such as region, is then missing); give --input",
            err=True,
        )
    if result.skipped:
        kinds = Counter(label.rsplit(": ", 1)[1].split("/", 1)[0] for label in result.skipped)
        click.echo(
            f"skipped {len(result.skipped)} document(s) that are not a claim "
            f"({result.claim_kind}), a composite ({result.xr_kind}), a function Input or a "
            "Composition with one: "
            + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())),
            err=True,
        )
    for warning in result.warnings:
        click.echo(warning, err=True)
    for problem in result.problems:
        click.echo(problem)
    if result.problems:
        sys.exit(1)
    if not result.checked:
        raise click.ClickException(
            f"no claim ({result.claim_kind}), composite ({result.xr_kind}) or function Input found"
        )
    click.echo(f"{result.checked} document(s) valid")


@cli.command("docs")
def docs_cmd() -> None:
    """Print the API reference (docs/api.md) generated from the models."""
    from function.generate.apidocs import api_reference

    click.echo(api_reference(), nl=False)


_GROUP_HELP = "Your platform's API group (e.g. platform.example.org); with --kind."
_KIND_HELP = "Your platform's claim kind (e.g. Table; the composite is XTable); with --group."


def _platform(group: str | None, kind: str | None) -> tuple[Any, str]:
    """The API --group and --kind name (the project's without them), and the flags said."""
    from function.api.kinds import DEFAULT_API, platform_api

    if group is None and kind is None:
        return DEFAULT_API, ""
    if group is None or kind is None:
        raise click.UsageError("--group and --kind go together: give both, or neither")
    try:
        return platform_api(group, kind), f" --group {group} --kind {kind}"
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@cli.command("xrd")
@click.option("--v2", is_flag=True, help="apiextensions.crossplane.io/v2, namespaced, no claim.")
@click.option("--group", default=None, help=_GROUP_HELP)
@click.option("--kind", default=None, help=_KIND_HELP)
def xrd_cmd(v2: bool, group: str | None, kind: str | None) -> None:
    """Print the CompositeResourceDefinition generated from the spec models."""
    from function.generate import xrd

    api, flags = _platform(group, kind)
    command = "function xrd" + (" --v2" if v2 else "") + flags
    click.echo(xrd.to_yaml(xrd.xrd(v2=v2, api=api), command), nl=False)


@cli.command("composition")
@click.option("--group", default=None, help=_GROUP_HELP)
@click.option("--kind", default=None, help=_KIND_HELP)
def composition_cmd(group: str | None, kind: str | None) -> None:
    """Print the Composition (examples/composition.yaml, or the one for --group and --kind)."""
    from function.generate.composition import composition_yaml

    api, flags = _platform(group, kind)
    click.echo(composition_yaml(api, "function composition" + flags), nl=False)


@cli.command("input-crd")
def input_crd_cmd() -> None:
    """Print the CRD of the function's Input, generated from its model."""
    from function.generate import xrd

    click.echo(xrd.to_yaml(xrd.input_crd(), "function input-crd"), nl=False)


if __name__ == "__main__":
    cli()
