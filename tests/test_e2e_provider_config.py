"""What `make e2e-aws` gives the real provider (e2e/provider_aws.py): ProviderConfigs the
pinned provider's CRDs accept, naming what the Composition's resources name, sending
every service to the emulator, with the emulator's credentials in the Secret."""

from __future__ import annotations

import configparser
from typing import Any

import pytest

from e2e import emulator, provider_aws
from tests.provider_crds import pinned_schema_errors
from tests.support import EXAMPLES, load_yaml

ENDPOINT = "http://127.0.0.1:4566"
DOCS = provider_aws.configuration(ENDPOINT)
CONFIGS = [doc for doc in DOCS if doc["kind"] != "Secret"]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda doc: f"{doc['apiVersion']}-{doc['kind']}")
def test_the_harness_provider_configs_are_valid_for_the_pinned_crds(config: dict[str, Any]) -> None:
    assert pinned_schema_errors(config) == []


def test_they_are_the_ones_the_composition_names_in_each_scope() -> None:
    # The Input's providerConfigName; claims compose aws.upbound.io kinds (ProviderConfig),
    # namespaced XRs the .m. kinds (ClusterProviderConfig by default).
    name = load_yaml(EXAMPLES / "input.yaml")["providerConfigName"]
    assert {(c["apiVersion"].split("/")[0], c["kind"], c["metadata"]["name"]) for c in CONFIGS} == {
        ("aws.upbound.io", "ProviderConfig", name),
        ("aws.m.upbound.io", "ClusterProviderConfig", name),
    }


@pytest.mark.parametrize("config", CONFIGS, ids=lambda doc: doc["kind"])
def test_every_service_goes_to_the_emulator_and_no_aws_check_runs(config: dict[str, Any]) -> None:
    spec = config["spec"]
    assert spec["endpoint"]["url"] == {"type": "Static", "static": ENDPOINT}
    assert {"dynamodb", "appautoscaling", "cloudwatch", "iam"} <= set(spec["endpoint"]["services"])
    for check in (
        "skip_credentials_validation",
        "skip_metadata_api_check",
        "skip_region_validation",
        "skip_requesting_account_id",
    ):
        assert spec[check] is True, check


def test_the_secret_holds_the_emulators_provider_credentials() -> None:
    (secret,) = [doc for doc in DOCS if doc["kind"] == "Secret"]
    ref = CONFIGS[0]["spec"]["credentials"]["secretRef"]
    assert (secret["metadata"]["namespace"], secret["metadata"]["name"]) == (
        ref["namespace"],
        ref["name"],
    )
    profile = configparser.ConfigParser()
    profile.read_string(secret["stringData"][ref["key"]])
    assert (
        profile["default"]["aws_access_key_id"],
        profile["default"]["aws_secret_access_key"],
    ) == emulator.PROVIDER_KEY
