"""The real provider-upjet-aws, out of cluster, against the AWS emulator (`make e2e-aws`).

Instead of the stand-in (e2e/provider.py), the harness runs:

- the AWS emulator (``python -m e2e.emulator``, moto on 127.0.0.1, e2e/emulator.py);
- the provider's CRDs of the groups it is built with (dynamodb, appautoscaling,
  cloudwatch, iam) and its ProviderConfig CRDs, from the pinned module (copied to
  .tools/share/provider-aws-crds by e2e/e2e.mk). A CRD with more than one version
  converts through the webhook the provider process serves itself, so its
  ``conversion`` points at that process on 127.0.0.1 with the CA of a certificate
  made here (what Crossplane's package manager does for a provider in a cluster);
- the provider (.tools/bin/provider-aws, the DynamoDB family's main with the
  function's groups, `make tools-provider`) with ``KUBECONFIG`` at the control plane;
- a Secret with the emulator's fixed fake credentials, and the ProviderConfigs the
  Composition's resources name (``default``: the cluster-scoped ``ProviderConfig``
  and the namespaced API's ``ClusterProviderConfig``) sending every service the
  provider calls to the emulator.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization

from e2e import emulator, procs
from e2e.controlplane import ROOT, START_TIMEOUT, State, _binary, _started
from e2e.kube import Kube
from tests import certs

NAMESPACE = "crossplane-system"
PROVIDER = "provider-aws"
# What v2.5.0 users run: the same build without the project's patch to the Terraform
# fork (make tools-provider-unpatched; docs/e2e.md), chosen with E2E_PROVIDER_BINARY.
UNPATCHED = "provider-aws-unpatched"
BINARY_ENV = "E2E_PROVIDER_BINARY"
CREDENTIALS_SECRET = "aws-credentials"
PROVIDER_CONFIG = "default"
CRDS_DIR = ROOT / ".tools" / "share" / "provider-aws-crds"
# Terraform AWS provider endpoint keys (names/consts_gen.go of the fork) of every
# service the kept groups call, STS included in case anything asks who it is.
SERVICES = ["dynamodb", "appautoscaling", "cloudwatch", "iam", "sts"]
# How often the provider re-observes each resource: short, so a scenario sees
# several polls within a minute (the default is 10m).
POLL = "15s"
# state.extra["provider"] of a control plane running the real provider, and the
# environment variable that makes pytest collect e2e/aws/ (and only that) for it.
MODE = "aws"
SCENARIOS_ENV = "E2E_PROVIDER"


def crd_files() -> list[Path]:
    files = sorted(CRDS_DIR.glob("*.yaml"))
    if not files:
        raise procs.HarnessError(f"{CRDS_DIR} is empty: run `make e2e-aws` (it copies them)")
    return files


def start_emulator(state: State) -> None:
    port = procs.free_port()
    state.ports["emulator"] = port
    _started(
        state,
        "emulator",
        [sys.executable, "-m", "e2e.emulator", f"--port={port}"],
    )
    procs.wait_for(
        "the AWS emulator",
        lambda: procs.http_ok(f"http://{emulator.HOST}:{port}{emulator.CALLS_PATH}"),
        START_TIMEOUT,
        log=state.logs / "emulator.log",
    )


def emulator_url(state: State) -> str:
    return f"http://{emulator.HOST}:{state.ports['emulator']}"


def write_webhook_certs(into: Path) -> bytes:
    """A CA and the provider's webhook serving certificate for 127.0.0.1; the CA's PEM."""
    into.mkdir(parents=True, exist_ok=True)
    ca_key, ca_name = certs.key(), certs.name("function-aws-dynamodb-e2e-provider-ca")
    ca = certs.cert(ca_name, ca_key, ca=True)
    serving_key = certs.key()
    serving = certs.cert(
        certs.name(PROVIDER),
        serving_key,
        (ca_name, ca_key),
        sans=certs.LOOPBACK,
        usage=[certs.SERVER_AUTH],
    )
    pem = serialization.Encoding.PEM
    # The names controller-runtime's webhook server reads from --certs-dir.
    for name, data in {
        "tls.crt": serving.public_bytes(pem),
        "tls.key": certs.pem_key(serving_key),
    }.items():
        (into / name).write_bytes(data)
        (into / name).chmod(0o600)
    return ca.public_bytes(pem)


def with_conversion(crd: dict[str, Any], port: int, ca_pem: bytes) -> dict[str, Any]:
    """``crd`` converting between its versions through the provider's webhook."""
    if len(crd["spec"]["versions"]) > 1:
        crd["spec"]["conversion"] = {
            "strategy": "Webhook",
            "webhook": {
                "conversionReviewVersions": ["v1"],
                "clientConfig": {
                    "url": f"https://127.0.0.1:{port}/convert",
                    "caBundle": base64.b64encode(ca_pem).decode(),
                },
            },
        }
    return crd


def install_crds(state: State, kube: Kube, ca_pem: bytes) -> None:
    port = state.ports["provider-webhook"]
    docs = [with_conversion(yaml.safe_load(p.read_text()), port, ca_pem) for p in crd_files()]
    kube.apply("\n---\n".join(json.dumps(doc) for doc in docs))
    kube.run("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all")


def binary() -> str:
    """The provider binary under test, by its name in .tools/bin."""
    return os.environ.get(BINARY_ENV, PROVIDER)


def start_provider(state: State) -> None:
    health = state.ports["provider-health"]
    _started(
        state,
        PROVIDER,
        [
            _binary(binary()),
            f"--certs-dir={state.extra['provider-certs']}",
            f"--webhook-port={state.ports['provider-webhook']}",
            f"--metrics-bind-address=127.0.0.1:{state.ports['provider-metrics']}",
            f"--health-probe-bind-addr=127.0.0.1:{health}",
            f"--poll={POLL}",
            "--debug",
        ],
        # The provider's own AWS SDK looks for config files and IMDS; none here.
        {
            "KUBECONFIG": str(state.kubeconfig),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        },
    )
    procs.wait_for(
        "the provider to be ready (webhook serving)",
        lambda: procs.http_ok(f"http://127.0.0.1:{health}/readyz"),
        START_TIMEOUT,
        log=state.logs / f"{PROVIDER}.log",
    )


def restart_provider(state: State) -> None:
    pid = state.pids.pop(PROVIDER, None)
    if pid is not None:
        procs.stop(pid)
    start_provider(state)


def credentials_ini() -> str:
    key, secret = emulator.PROVIDER_KEY
    return f"[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"


def provider_config_spec(endpoint: str) -> dict[str, Any]:
    """Every service the provider calls at ``endpoint``, no AWS checks, the Secret's keys."""
    return {
        "credentials": {
            "source": "Secret",
            "secretRef": {
                "namespace": NAMESPACE,
                "name": CREDENTIALS_SECRET,
                "key": "credentials",
            },
        },
        "endpoint": {
            "url": {"type": "Static", "static": endpoint},
            "services": SERVICES,
            "hostnameImmutable": True,
        },
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "skip_requesting_account_id": True,
    }


def configuration(endpoint: str) -> list[dict[str, Any]]:
    """The credentials Secret and the ProviderConfigs the Composition's resources name."""
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": CREDENTIALS_SECRET, "namespace": NAMESPACE},
        "stringData": {"credentials": credentials_ini()},
    }
    return [
        secret,
        {
            "apiVersion": "aws.upbound.io/v1beta1",
            "kind": "ProviderConfig",
            "metadata": {"name": PROVIDER_CONFIG},
            "spec": provider_config_spec(endpoint),
        },
        {
            "apiVersion": "aws.m.upbound.io/v1beta1",
            "kind": "ClusterProviderConfig",
            "metadata": {"name": PROVIDER_CONFIG},
            "spec": provider_config_spec(endpoint),
        },
    ]


def up(state: State, kube: Kube) -> None:
    """The emulator, the provider's CRDs, the provider and its configuration."""
    state.extra["provider"] = MODE
    start_emulator(state)
    state.ports |= {
        "provider-webhook": procs.free_port(),
        "provider-metrics": procs.free_port(),
        "provider-health": procs.free_port(),
    }
    provider_certs = state.dir / PROVIDER / "tls"
    ca_pem = write_webhook_certs(provider_certs)
    state.extra["provider-certs"] = str(provider_certs)
    state.save()
    install_crds(state, kube, ca_pem)
    start_provider(state)
    kube.apply("\n---\n".join(json.dumps(doc) for doc in configuration(emulator_url(state))))
