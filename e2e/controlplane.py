"""etcd, kube-apiserver and kube-controller-manager as local processes on loopback.

Certificates are made here (one CA, the API server's serving certificate, an admin
client certificate in system:masters, the service-account signing key); the admin
kubeconfig is written to ``<state>/kubeconfig``. Only the controllers the scenarios
need run: the garbage collector (an XR's composed resources carry owner references
to it), namespaces and service accounts. The Deployment controller is left out on
purpose: no kubelet runs pods, so the harness reports the Function's Deployment
Available itself (see crossplane.py).
"""

from __future__ import annotations

import json
import shutil
import ssl
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from e2e import hosts, procs
from tests import certs

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".tools" / "bin"
STATE_DIR = ROOT / ".e2e"
START_TIMEOUT = 90.0


@dataclass
class State:
    """What ``up`` started, persisted so ``down`` (or a test) can find it."""

    dir: Path
    pids: dict[str, int] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def file(self) -> Path:
        return self.dir / "state.json"

    @property
    def kubeconfig(self) -> Path:
        return self.dir / "kubeconfig"

    @property
    def logs(self) -> Path:
        return self.dir / "logs"

    def save(self) -> None:
        data = {"pids": self.pids, "ports": self.ports, "extra": self.extra}
        self.file.write_text(json.dumps(data, indent=2) + "\n")

    @classmethod
    def load(cls, state_dir: Path = STATE_DIR) -> State | None:
        try:
            data = json.loads((state_dir / "state.json").read_text())
        except (OSError, ValueError):
            return None
        return cls(state_dir, data["pids"], data["ports"], data.get("extra", {}))


def write_pki(pki: Path) -> None:
    pki.mkdir(parents=True, exist_ok=True)
    ca_key = certs.key()
    ca_name = certs.name("function-aws-dynamodb-e2e-ca")
    ca = certs.cert(ca_name, ca_key, ca=True)
    serving_key = certs.key()
    serving = certs.cert(
        certs.name("kube-apiserver"),
        serving_key,
        (ca_name, ca_key),
        sans=[*certs.LOOPBACK, x509.DNSName("kubernetes.default.svc")],
        usage=[certs.SERVER_AUTH],
    )
    admin_key = certs.key()
    admin = certs.cert(
        certs.name("e2e-admin", "system:masters"),
        admin_key,
        (ca_name, ca_key),
        usage=[certs.CLIENT_AUTH],
    )
    sa_key = certs.key()
    pem = serialization.Encoding.PEM
    files = {
        "ca.crt": ca.public_bytes(pem),
        "apiserver.crt": serving.public_bytes(pem),
        "apiserver.key": certs.pem_key(serving_key),
        "admin.crt": admin.public_bytes(pem),
        "admin.key": certs.pem_key(admin_key),
        "sa.key": certs.pem_key(sa_key),
        "sa.pub": sa_key.public_key().public_bytes(
            pem, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    }
    for name, data in files.items():
        (pki / name).write_bytes(data)
        (pki / name).chmod(0o600)


def write_kubeconfig(state: State) -> None:
    pki = state.dir / "pki"
    server = f"https://127.0.0.1:{state.ports['apiserver']}"
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "e2e",
                "cluster": {"server": server, "certificate-authority": str(pki / "ca.crt")},
            }
        ],
        "users": [
            {
                "name": "e2e-admin",
                "user": {
                    "client-certificate": str(pki / "admin.crt"),
                    "client-key": str(pki / "admin.key"),
                },
            }
        ],
        "contexts": [{"name": "e2e", "context": {"cluster": "e2e", "user": "e2e-admin"}}],
        "current-context": "e2e",
    }
    state.kubeconfig.write_text(yaml.safe_dump(config, sort_keys=False))
    state.kubeconfig.chmod(0o600)


def admin_ssl_context(state: State) -> ssl.SSLContext:
    pki = state.dir / "pki"
    ctx = ssl.create_default_context(cafile=str(pki / "ca.crt"))
    ctx.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))
    return ctx


def _binary(name: str) -> str:
    path = BIN / name
    if not path.is_file():
        raise procs.HarnessError(f"{path} is missing: run `make tools-controlplane` first")
    return str(path)


def _started(state: State, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
    proc = procs.start(name, argv, state.logs, env)
    state.pids[name] = proc.pid
    state.save()


def start_etcd(state: State) -> None:
    client, peer = procs.free_port(), procs.free_port()
    state.ports |= {"etcd": client, "etcd-peer": peer}
    client_url, peer_url = f"http://127.0.0.1:{client}", f"http://127.0.0.1:{peer}"
    _started(
        state,
        "etcd",
        [
            _binary("etcd"),
            "--name=e2e",
            f"--data-dir={state.dir / 'etcd'}",
            f"--listen-client-urls={client_url}",
            f"--advertise-client-urls={client_url}",
            f"--listen-peer-urls={peer_url}",
            f"--initial-advertise-peer-urls={peer_url}",
            f"--initial-cluster=e2e={peer_url}",
            # Throwaway data: fsync only slows a shared disk down.
            "--unsafe-no-fsync",
            "--log-level=warn",
        ],
    )
    procs.wait_for(
        "etcd to be healthy",
        lambda: procs.http_ok(f"{client_url}/health"),
        START_TIMEOUT,
        log=state.logs / "etcd.log",
    )


def start_apiserver(state: State) -> None:
    pki = state.dir / "pki"
    port = procs.free_port()
    state.ports["apiserver"] = port
    _started(
        state,
        "kube-apiserver",
        [
            _binary("kube-apiserver"),
            f"--etcd-servers=http://127.0.0.1:{state.ports['etcd']}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            f"--secure-port={port}",
            f"--cert-dir={pki}",
            f"--tls-cert-file={pki / 'apiserver.crt'}",
            f"--tls-private-key-file={pki / 'apiserver.key'}",
            f"--client-ca-file={pki / 'ca.crt'}",
            "--authorization-mode=RBAC",
            "--service-cluster-ip-range=10.0.0.0/24",
            f"--service-account-issuer=https://127.0.0.1:{port}",
            f"--service-account-key-file={pki / 'sa.pub'}",
            f"--service-account-signing-key-file={pki / 'sa.key'}",
            # No pods run, so nothing needs a token mounted.
            "--disable-admission-plugins=ServiceAccount",
            "--allow-privileged=true",
            "--profiling=false",
        ],
    )
    write_kubeconfig(state)
    ctx = admin_ssl_context(state)
    procs.wait_for(
        "kube-apiserver to be ready",
        lambda: procs.http_ok(f"https://127.0.0.1:{port}/readyz", ctx),
        START_TIMEOUT,
        log=state.logs / "kube-apiserver.log",
    )


def start_controller_manager(state: State) -> None:
    _started(
        state,
        "kube-controller-manager",
        [
            _binary("kube-controller-manager"),
            f"--kubeconfig={state.kubeconfig}",
            "--leader-elect=false",
            "--controllers=garbage-collector-controller,namespace-controller,serviceaccount-controller",
            "--secure-port=0",
        ],
    )


def up(state_dir: Path = STATE_DIR) -> State:
    """Start etcd, kube-apiserver and kube-controller-manager; stop what started on failure."""
    if (old := State.load(state_dir)) and any(procs.alive(p) for p in old.pids.values()):
        raise procs.HarnessError(
            f"a control plane from {state_dir} is still running: run `make controlplane-down`"
        )
    if state_dir.exists():
        shutil.rmtree(state_dir)
    state = State(state_dir)
    state.dir.mkdir(parents=True)
    write_pki(state.dir / "pki")
    try:
        start_etcd(state)
        start_apiserver(state)
        start_controller_manager(state)
    except BaseException:
        down(state)
        raise
    return state


def down(state: State) -> None:
    """Stop every process ``state`` records, newest first."""
    # Another process (the test session) may have restarted one and recorded it.
    on_disk = State.load(state.dir)
    pids = {**state.pids, **(on_disk.pids if on_disk else {})}
    for pid in reversed(list(dict.fromkeys([*state.pids.values(), *pids.values()]))):
        procs.stop(pid)
    state.pids.clear()
    hosts.remove(state)
    if state.file.parent.exists():
        state.save()
