"""Crossplane core outside the cluster, and the Function installed the way a user does it.

Both packages are built with ``make package`` (``crank xpkg build``), pushed to a registry on
127.0.0.1 (``crane registry serve``; go-containerregistry speaks plain HTTP to a
loopback registry, so no TLS or CA bundle is needed there) and installed with a
``Function`` object and a ``Configuration`` (the XRD and the Composition).
Crossplane's Deployment runtime then creates the function's Service, Deployment and
TLS server Secret, and dials
``dns:///<service>.crossplane-system:9443``. No kubelet runs the pod: the harness
reports the Deployment Available, serves ``function serve --tls-certs-dir`` with the
certificate from that Secret on 127.0.0.1:9443, and makes the Service's DNS name
resolve to 127.0.0.1 with one /etc/hosts line, so Crossplane and the function still
authenticate each other with mTLS.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

from e2e import hosts, procs, provider_aws
from e2e.controlplane import ROOT, START_TIMEOUT, State, _binary, _started
from e2e.kube import Kube, eventually, is_true
from function.__version__ import __version__

NAMESPACE = "crossplane-system"
# The name Crossplane gives the Function when the Configuration depends on it
# (after the package's repository), and the one the Composition's functionRef names.
FUNCTION = "project-planton-function-aws-dynamodb"
CONFIGURATION = "configuration-aws-dynamodb"
FUNCTION_PORT = 9443  # Crossplane dials every Function on this port.
PACKAGE_TAG = f"v{__version__}"
CA_SECRET = "crossplane-root-ca"
CLIENT_SECRET = "crossplane-tls-client"
# Keys of State.extra a run sets before `up` (make e2e-scale): where the function
# writes a line per call (e2e/metered.py), and Crossplane without --debug.
CALLS_FILE = "function-calls-file"
QUIET_CROSSPLANE = "crossplane-quiet"


def shared_dir(name: str) -> Path:
    """Files ``make tools-controlplane`` copied out of the Go module cache."""
    path = ROOT / ".tools" / "share" / name
    if not path.is_dir():
        raise procs.HarnessError(f"{path} is missing: run `make tools-controlplane` first")
    return path


def start_registry(state: State) -> None:
    port = procs.free_port()
    state.ports["registry"] = port
    _started(
        state, "registry", [_binary("crane"), "registry", "serve", f"--address=127.0.0.1:{port}"]
    )
    procs.wait_for(
        "the package registry",
        lambda: procs.http_ok(f"http://127.0.0.1:{port}/v2/"),
        START_TIMEOUT,
        log=state.logs / "registry.log",
    )


def push_packages(state: State) -> None:
    """Build both packages as a release does (``make package``) and push them."""
    out = state.dir / "packages"
    build = ["make", "--no-print-directory", "-o", "tools", "package", f"PACKAGE_DIR={out}"]
    argvs = [build] + [
        [_binary("crank"), "xpkg", "push", f"--package-files={out / f'{name}-{PACKAGE_TAG}.xpkg'}",
         package_ref(state, name)]
        for name in ("function-aws-dynamodb", CONFIGURATION)
    ]  # fmt: skip
    for argv in argvs:
        proc = subprocess.run(
            argv, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
        )
        if proc.returncode != 0:
            raise procs.HarnessError(f"{' '.join(argv)} failed: {proc.stdout}{proc.stderr}")


def package_ref(state: State, name: str = "function-aws-dynamodb") -> str:
    return f"127.0.0.1:{state.ports['registry']}/project-planton/{name}:{PACKAGE_TAG}"


def _crossplane_env(state: State) -> dict[str, str]:
    return {
        "KUBECONFIG": str(state.kubeconfig),
        "POD_NAMESPACE": NAMESPACE,
        "POD_SERVICE_ACCOUNT": "crossplane",
        "ENABLE_WEBHOOKS": "false",
        "TLS_CA_SECRET_NAME": CA_SECRET,
        "TLS_CLIENT_SECRET_NAME": CLIENT_SECRET,
    }


def _write_secret(kube: Kube, name: str, into: Path) -> None:
    secret = kube.get("secret", name, NAMESPACE)
    data = (secret or {}).get("data") or {}
    missing = {"ca.crt", "tls.crt", "tls.key"} - set(data)
    if missing:
        raise procs.HarnessError(f"secret {NAMESPACE}/{name} lacks {sorted(missing)}")
    into.mkdir(parents=True, exist_ok=True)
    for key in ("ca.crt", "tls.crt", "tls.key"):
        (into / key).write_bytes(base64.b64decode(data[key]))
        (into / key).chmod(0o600)


def start_crossplane(state: State, kube: Kube) -> None:
    kube.run("create", "namespace", NAMESPACE)
    kube.run("create", "serviceaccount", "crossplane", "-n", NAMESPACE)
    env = _crossplane_env(state)
    # Init applies the core CRDs and at once uses them; a kubelet restarts the init
    # container until the API server has them established, so retry the same way.
    log = state.logs / "crossplane-init.log"
    for _ in range(10):
        init = subprocess.run(
            [_binary("crossplane"), "core", "init"],
            env={**os.environ, **env, "CRDS_PATH": str(shared_dir("crossplane-crds"))},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        with log.open("a") as out:
            out.write(init.stdout + init.stderr)
        if init.returncode == 0:
            break
        time.sleep(2)
    else:
        raise procs.HarnessError(f"crossplane core init failed; see {log}")
    client_certs = state.dir / "crossplane" / "tls-client"
    _write_secret(kube, CLIENT_SECRET, client_certs)
    cache = state.dir / "crossplane" / "xpkg-cache"
    cache.mkdir(parents=True)  # the chart mounts an emptyDir there; Crossplane does not create it
    state.ports |= {"crossplane-health": procs.free_port(), "crossplane-metrics": procs.free_port()}
    state.extra |= {"crossplane-client-certs": str(client_certs), "crossplane-cache": str(cache)}
    run_crossplane(state)


def run_crossplane(state: State) -> None:
    """``crossplane core start`` with what ``start_crossplane`` prepared."""
    health = state.ports["crossplane-health"]
    # Debug logs every reconcile's steps: what the scenarios' failures need, but at
    # a thousand claims (make e2e-scale) writing them would weigh on Crossplane's CPU.
    debug = [] if state.extra.get(QUIET_CROSSPLANE) else ["--debug"]
    _started(
        state,
        "crossplane",
        [_binary("crossplane"), "core", "start", *debug],
        _crossplane_env(state)
        | {
            "TLS_CLIENT_CERTS_DIR": state.extra["crossplane-client-certs"],
            "XPKG_CACHE_DIR": state.extra["crossplane-cache"],
            "HEALTH_PROBE_PORT": str(health),
            "METRICS_PORT": str(state.ports["crossplane-metrics"]),
        },
    )
    procs.wait_for(
        "Crossplane core to be ready",
        lambda: procs.http_ok(f"http://127.0.0.1:{health}/readyz"),
        START_TIMEOUT,
        log=state.logs / "crossplane.log",
    )


def restart_crossplane(state: State) -> None:
    pid = state.pids.pop("crossplane", None)
    if pid is not None:
        procs.stop(pid)
    run_crossplane(state)


def function_manifest(state: State) -> str:
    fn = yaml.safe_load((ROOT / "examples" / "functions.yaml").read_text())
    fn["metadata"].pop("annotations", None)
    fn["spec"]["package"] = package_ref(state)
    return yaml.safe_dump(fn)


def install_function(state: State, kube: Kube) -> None:
    """Install the Function, stand in for the kubelet, and serve it with the Secret's cert."""
    if procs.port_in_use(FUNCTION_PORT):
        raise procs.HarnessError(
            f"127.0.0.1:{FUNCTION_PORT} is taken; Crossplane dials functions only on that port"
        )
    kube.apply(function_manifest(state))
    revision = eventually(
        "the FunctionRevision's endpoint and TLS secret",
        lambda: next(
            (
                r
                for r in kube.items("functionrevisions.pkg.crossplane.io")
                if (r.get("status") or {}).get("endpoint") and r["spec"].get("tlsServerSecretName")
            ),
            None,
        ),
        timeout=START_TIMEOUT,
    )
    match = re.fullmatch(r"dns:///([^:]+):(\d+)", revision["status"]["endpoint"])
    if not match or int(match[2]) != FUNCTION_PORT:
        raise procs.HarnessError(f"unexpected function endpoint {revision['status']['endpoint']}")
    hosts.add(match[1], state)
    deployment = eventually(
        "the function's Deployment",
        lambda: next(iter(kube.items("deployments", NAMESPACE)), None),
        timeout=START_TIMEOUT,
    )
    report_available(kube, deployment["metadata"]["name"])
    certs = state.dir / "function" / "tls"
    eventually(
        "the function's TLS server secret",
        lambda: kube.get("secret", revision["spec"]["tlsServerSecretName"], NAMESPACE),
        timeout=START_TIMEOUT,
    )
    _write_secret(kube, revision["spec"]["tlsServerSecretName"], certs)
    state.extra["function-certs"] = str(certs)
    start_function(state)
    eventually(
        "the Function to be Installed and Healthy",
        lambda: (
            (fn := kube.get("functions.pkg.crossplane.io", FUNCTION))
            and is_true(fn, "Installed")
            and is_true(fn, "Healthy")
        ),
        timeout=START_TIMEOUT,
    )


def report_available(kube: Kube, deployment: str) -> None:
    """What the Deployment controller would say once the kubelet ran the pod."""
    kube.patch_status(
        "deployment",
        deployment,
        {
            "status": {
                "replicas": 1,
                "readyReplicas": 1,
                "availableReplicas": 1,
                "updatedReplicas": 1,
                "conditions": [
                    {
                        "type": "Available",
                        "status": "True",
                        "reason": "MinimumReplicasAvailable",
                        "message": "served by the e2e harness on 127.0.0.1",
                    }
                ],
            }
        },
        NAMESPACE,
    )


def start_function(state: State) -> None:
    """``function serve`` with the certificate Crossplane made for the Function's Service.

    With ``state.extra[CALLS_FILE]`` set (make e2e-scale), served through
    e2e/metered.py, which writes a line per call to that file.
    """
    venv = ROOT / ".venv" / "bin"
    calls = state.extra.get(CALLS_FILE)
    command = [str(venv / "function")]
    if calls:
        command = [str(venv / "python"), "-m", "e2e.metered", calls]
    _started(
        state,
        "function",
        [
            *command,
            "serve",
            f"--tls-certs-dir={state.extra['function-certs']}",
            f"--address=127.0.0.1:{FUNCTION_PORT}",
        ],
        {"PYTHONPATH": str(ROOT)} if calls else None,
    )
    procs.wait_for(
        "function serve to listen",
        lambda: procs.port_in_use(FUNCTION_PORT),
        30,
        log=state.logs / "function.log",
    )


def stop_function(state: State) -> None:
    pid = state.pids.pop("function", None)
    if pid is not None:
        procs.stop(pid)
    state.save()


def up(state: State, real_provider: bool = False) -> None:
    """Crossplane and the function; the provider's CRDs and either the real provider
    against the AWS emulator (e2e/provider_aws.py) or none (the scenarios play it)."""
    kube = Kube(state.kubeconfig)
    start_registry(state)
    push_packages(state)
    start_crossplane(state, kube)
    install_function(state, kube)
    if real_provider:
        provider_aws.up(state, kube)
    else:
        install_provider_crds(kube)
    install_apis(state, kube)


def install_provider_crds(kube: Kube) -> None:
    """The CRDs of the kinds the function composes, for the stand-in: no provider runs."""
    for path in sorted(shared_dir("provider-crds").glob("*.yaml")):
        kube.apply(json.dumps(_stored_as_newest(yaml.safe_load(path.read_text()))))
    kube.run("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all")


def install_apis(state: State, kube: Kube) -> None:
    """The Configuration: our XRD and Composition, installed as a platform engineer does."""
    kube.apply(configuration_manifest(state))
    eventually(
        "the Configuration to be Installed and Healthy",
        lambda: (
            (cfg := kube.get("configurations.pkg.crossplane.io", CONFIGURATION))
            and is_true(cfg, "Installed")
            and is_true(cfg, "Healthy")
        ),
        timeout=START_TIMEOUT,
    )
    wait_xrd(kube)


def configuration_manifest(state: State) -> str:
    """examples/configuration.yaml from the local registry, its dependencies not resolved.

    The provider families it depends on cannot be pulled here (no internet, and no
    provider runs: the harness applies their CRDs), and the Function it depends on is
    installed from the same registry by ``install_function``, under the name the
    resolver would give it.
    """
    cfg = yaml.safe_load((ROOT / "examples" / "configuration.yaml").read_text())
    cfg["spec"]["package"] = package_ref(state, CONFIGURATION)
    cfg["spec"]["skipDependencyResolution"] = True
    return yaml.safe_dump(cfg)


def _stored_as_newest(crd: dict[str, Any]) -> dict[str, Any]:
    """The CRD storing its newest version, the one the function composes.

    The provider converts between a CRD's versions with a conversion webhook it
    runs itself; without it the API server stores v1beta2 Tables as v1beta1 by
    renaming the apiVersion, which prunes every field whose shape changed (a list
    there, an object here), and each apply of the unchanged desired state looks
    like a change: a reconcile loop that is the harness's doing, not Crossplane's.
    """
    versions = crd["spec"]["versions"]
    newest = max(v["name"] for v in versions)
    for version in versions:
        version["storage"] = version["name"] == newest
    return crd


def wait_xrd(kube: Kube, timeout: float = START_TIMEOUT) -> dict[str, Any]:
    def ready() -> dict[str, Any] | None:
        xrd = kube.get("compositeresourcedefinitions", "xawsdynamodbs.aws.project-planton.org")
        offered = not (xrd or {}).get("spec", {}).get("claimNames") or is_true(xrd, "Offered")
        return xrd if is_true(xrd, "Established") and offered else None

    return eventually("the XRD to be Established (and Offered)", ready, timeout=timeout)
