"""The function's command line: serve, render, validate, and the generated docs, XRDs and CRD."""

from __future__ import annotations

import sys

import click
import yaml
from crossplane.function import cli as sdkcli
from crossplane.function.proto.v1 import run_function_pb2 as fnv1

from function import offline, xrd
from function.apidocs import api_reference
from function.fn import FunctionRunner
from function.serve import runtime


@click.group()
def cli() -> None:
    """function-aws-dynamodb: DynamoDB tables for Crossplane."""


@cli.command()
@sdkcli.standard_options
def serve(max_recv_message_size: int, max_send_message_size: int | None, **kwargs: object) -> None:
    """Serve RunFunction over gRPC (v1 and v1beta1)."""
    if max_send_message_size is None:
        # A response carries the request's desired state back plus what this
        # function adds (a few kB), so it can outgrow a request that was just
        # under the receive limit; the headroom lets every accepted request be answered.
        max_send_message_size = max_recv_message_size + 1
    runtime.run(
        FunctionRunner(),
        max_recv_message_size=max_recv_message_size,
        max_send_message_size=max_send_message_size,
        **kwargs,  # type: ignore[arg-type]
    )


def _load(paths: list[str] | tuple[str, ...]) -> list[dict]:
    """YAML documents from files or directories; a bad file is a usage error, not a traceback."""
    try:
        return offline.load_documents(paths)
    except (OSError, yaml.YAMLError) as exc:
        raise click.ClickException(f"cannot read {', '.join(paths)}: {exc}") from exc


def _single(docs: list[dict], what: str) -> dict:
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
    """Render XR (with observed resources) and print the desired state as YAML."""
    composite = _single(_load([xr]), "XR")
    fn_input = _single(_load([input_file]), "--input") if input_file else None
    req = offline.build_request(composite, _load(observed), fn_input)
    rsp = offline.render(req)
    click.echo(yaml.safe_dump_all(offline.response_documents(rsp), sort_keys=False), nl=False)
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
    help="The function's Input.",
)
def validate_cmd(files: tuple[str, ...], input_file: str | None) -> None:
    """Check claims or XRs offline; print every problem, exit 1 if any."""
    fn_input = _single(_load([input_file]), "--input") if input_file else None
    docs = _load(files)
    problems = offline.validate_documents(docs, fn_input)
    for problem in problems:
        click.echo(problem)
    if problems:
        sys.exit(1)
    click.echo(f"{len(docs)} document(s) valid")


@cli.command("docs")
def docs_cmd() -> None:
    """Print the API reference (docs/api.md) generated from the models."""
    click.echo(api_reference(), nl=False)


@cli.command("xrd")
@click.option("--v2", is_flag=True, help="apiextensions.crossplane.io/v2, namespaced, no claim.")
def xrd_cmd(v2: bool) -> None:
    """Print the CompositeResourceDefinition generated from the spec models."""
    click.echo(xrd.to_yaml(xrd.xrd(v2=v2), "function xrd" + (" --v2" if v2 else "")), nl=False)


@cli.command("input-crd")
def input_crd_cmd() -> None:
    """Print the CRD of the function's Input, generated from its model."""
    click.echo(xrd.to_yaml(xrd.input_crd(), "function input-crd"), nl=False)


if __name__ == "__main__":
    cli()
