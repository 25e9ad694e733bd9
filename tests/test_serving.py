"""`function serve` as Crossplane runs it: message limits, mTLS, SIGTERM."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.offline import build_request
from function.serve.structs import to_struct
from tests import certs
from tests.support import EXAMPLES, FIXTURES, load_yaml, serve_subprocess, wait_for_channel

MB = 1024 * 1024
GRACE_SECONDS = 5  # crossplane.function.runtime.SHUTDOWN_GRACE_PERIOD_SECONDS


def _stub(channel: grpc.Channel) -> grpcv1.FunctionRunnerServiceStub:
    wait_for_channel(channel)
    return grpcv1.FunctionRunnerServiceStub(channel)


def _clean(log: Path) -> None:
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text
    assert "cannot compose" not in text, text


# -- message size -------------------------------------------------------------


def _padded(total: int, where: str) -> fnv1.RunFunctionRequest:
    """The example request, padded with an unrelated resource to ``total`` bytes."""
    req = build_request(load_yaml(EXAMPLES / "xr.yaml"))
    state = req.observed if where == "observed" else req.desired
    state.resources["padding"].resource.CopyFrom(to_struct({"blob": ""}))
    size = total - req.ByteSize()
    for _ in range(3):  # length prefixes grow with the blob; converge on the exact size
        state.resources["padding"].resource.CopyFrom(to_struct({"blob": "x" * size}))
        size += total - req.ByteSize()
    assert req.ByteSize() == total
    return req


@pytest.fixture(scope="module")
def small_limit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    log = tmp_path_factory.mktemp("size") / "serve.log"
    with serve_subprocess("--insecure", "--max-recv-message-size", "1", log=log) as (_, addr):
        # The client may send and receive more than the server, to see the server's limit.
        options = [("grpc.max_send_message_length", 8 * MB)]
        options.append(("grpc.max_receive_message_length", 8 * MB))
        channel = grpc.insecure_channel(addr, options=options)
        yield _stub(channel), log
        channel.close()


@pytest.mark.parametrize("where", ["observed", "desired"])
@pytest.mark.parametrize("size", [MB - 4096, MB - 64])
def test_request_just_under_the_limit_is_answered(
    small_limit_server: tuple[Any, Path], where: str, size: int
) -> None:
    stub, log = small_limit_server
    req = _padded(size, where)
    rsp = stub.RunFunction(req, timeout=20)
    assert [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL] == []
    assert "table" in rsp.desired.resources
    if where == "desired":
        # The padding comes back whole, so the response outgrows the request (and,
        # at MB - 64, the receive limit): the send limit's headroom is what lets it out.
        assert rsp.desired.resources["padding"] == req.desired.resources["padding"]
        assert rsp.ByteSize() > req.ByteSize()
    _clean(log)


@pytest.mark.parametrize("size", [MB + 64, 3 * MB])
def test_request_over_the_limit_is_refused_cleanly(
    small_limit_server: tuple[Any, Path], size: int
) -> None:
    stub, log = small_limit_server
    with pytest.raises(grpc.RpcError) as refused:
        stub.RunFunction(_padded(size, "observed"), timeout=20)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "larger than max" in (refused.value.details() or "")
    # The server is unharmed and answers the next request.
    assert "table" in stub.RunFunction(_padded(MB // 2, "observed"), timeout=20).desired.resources
    _clean(log)


def test_default_limit_is_larger(stub_v1: grpcv1.FunctionRunnerServiceStub) -> None:
    rsp = stub_v1.RunFunction(_padded(3 * MB, "observed"), timeout=20)
    assert "table" in rsp.desired.resources


def test_depth_beyond_protobufs_limit_is_refused_before_the_function_runs(
    small_limit_server: tuple[Any, Path],
) -> None:
    # Python's protobuf decoder stops at 100 message levels (about 32 nested
    # objects in a Struct); Kubernetes' structural schemas keep real XRs far
    # shallower. The refusal is a gRPC status, so Crossplane applies nothing.
    stub, log = small_limit_server
    xr = load_yaml(EXAMPLES / "xr.yaml")
    deep: Any = "leaf"
    for _ in range(60):
        deep = {"a": deep}
    xr["spec"]["tags"] = deep
    with pytest.raises(grpc.RpcError) as refused:
        stub.RunFunction(build_request(xr), timeout=20)
    assert "MaxDepth" in (refused.value.details() or "")
    assert "table" in stub.RunFunction(_padded(4096, "observed"), timeout=20).desired.resources
    _clean(log)


# -- mTLS ---------------------------------------------------------------------

VALID_FOR = datetime.timedelta(hours=1)


class Authority:
    """A throwaway CA that signs server and client certificates."""

    def __init__(self, common_name: str) -> None:
        self.key = certs.key()
        self.name = certs.name(common_name)
        self.cert = certs.cert(self.name, self.key, ca=True, valid_for=VALID_FOR)

    def issue(self, common_name: str, server: bool) -> tuple[bytes, bytes]:
        """A PEM certificate and key for a server (loopback names) or a client."""
        key = certs.key()
        issued = certs.cert(
            certs.name(common_name),
            key,
            (self.name, self.key),
            sans=certs.LOOPBACK if server else None,
            usage=[certs.SERVER_AUTH if server else certs.CLIENT_AUTH],
            valid_for=VALID_FOR,
        )
        return certs.pem(issued), certs.pem_key(key)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The layout Crossplane mounts: tls.crt, tls.key and the callers' ca.crt."""
    tls_dir = tmp_path_factory.mktemp("tls")
    ca, other = Authority("crossplane-root-ca"), Authority("someone-else")
    server_crt, server_key = ca.issue("function-aws-dynamodb", server=True)
    (tls_dir / "tls.crt").write_bytes(server_crt)
    (tls_dir / "tls.key").write_bytes(server_key)
    (tls_dir / "ca.crt").write_bytes(certs.pem(ca.cert))
    return {
        "dir": tls_dir,
        "ca": certs.pem(ca.cert),
        "client": ca.issue("crossplane", server=False),
        "stranger": other.issue("crossplane", server=False),
    }


@pytest.fixture(scope="module")
def tls_server(pki: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("mtls") / "serve.log"
    with serve_subprocess("--tls-certs-dir", str(pki["dir"]), log=log) as (_, address):
        yield address


def _call(channel: grpc.Channel) -> fnv1.RunFunctionResponse:
    stub = grpcv1.FunctionRunnerServiceStub(channel)
    try:
        return stub.RunFunction(build_request(load_yaml(EXAMPLES / "xr.yaml")), timeout=5)
    finally:
        channel.close()


def test_client_with_a_ca_signed_certificate_is_served(
    tls_server: str, pki: dict[str, Any]
) -> None:
    cert, key = pki["client"]
    creds = grpc.ssl_channel_credentials(pki["ca"], private_key=key, certificate_chain=cert)
    rsp = _call(grpc.secure_channel(tls_server, creds))
    assert "table" in rsp.desired.resources


@pytest.mark.parametrize("client", ["no certificate", "another CA's certificate", "plaintext"])
def test_other_clients_are_refused(tls_server: str, pki: dict[str, Any], client: str) -> None:
    if client == "plaintext":
        channel = grpc.insecure_channel(tls_server)
    elif client == "no certificate":
        channel = grpc.secure_channel(tls_server, grpc.ssl_channel_credentials(pki["ca"]))
    else:
        cert, key = pki["stranger"]
        creds = grpc.ssl_channel_credentials(pki["ca"], private_key=key, certificate_chain=cert)
        channel = grpc.secure_channel(tls_server, creds)
    with pytest.raises(grpc.RpcError) as refused:
        _call(channel)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_insecure_alone_serves_plaintext(tmp_path: Path) -> None:
    with serve_subprocess("--insecure", log=tmp_path / "serve.log") as (_, address):
        assert "table" in _call(grpc.insecure_channel(address)).desired.resources


def _serve_refused(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`function serve ARGS` that must exit by itself; a server that starts times out."""
    cmd = [sys.executable, "-m", "function.main", "serve", "--address", "127.0.0.1:0", *args]
    environ = {k: v for k, v in os.environ.items() if k not in ("INSECURE", "TLS_SERVER_CERTS_DIR")}
    return subprocess.run(
        cmd, env={**environ, **(env or {})}, capture_output=True, text=True, timeout=20, check=False
    )


def test_neither_certificates_nor_insecure_is_a_usage_error() -> None:
    run = _serve_refused()
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "Error: give --tls-certs-dir DIR" in run.stderr


@pytest.mark.parametrize("by_env", [False, True], ids=["flags", "environment"])
def test_insecure_and_certificates_together_refuse_to_start(
    pki: dict[str, Any], by_env: bool
) -> None:
    # Served together, both listeners bind the port and plaintext clients are sometimes answered.
    if by_env:
        run = _serve_refused(env={"INSECURE": "true", "TLS_SERVER_CERTS_DIR": str(pki["dir"])})
    else:
        run = _serve_refused("--insecure", "--tls-certs-dir", str(pki["dir"]))
    assert run.returncode != 0
    assert run.stderr.strip().splitlines() == [
        "Error: --insecure (INSECURE) and --tls-certs-dir (TLS_SERVER_CERTS_DIR) exclude each "
        "other: give one"
    ]


def test_certificate_directory_without_the_certificates_is_one_error(tmp_path: Path) -> None:
    run = _serve_refused("--tls-certs-dir", str(tmp_path))
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"Error: --tls-certs-dir {tmp_path}: missing tls.crt, tls.key, ca.crt"
    ]


# -- SIGTERM ------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks


def _heavy_request() -> fnv1.RunFunctionRequest:
    """A request that takes the server a noticeable while: 60000 unknown spec fields."""
    xr = load_yaml(FIXTURES / "guards" / "xr.yaml")
    xr["spec"].update({f"unknownField{i}": i for i in range(60_000)})
    return build_request(xr, tag="in-flight")


def test_sigterm_lets_the_request_in_progress_finish_then_exits_zero(tmp_path: Path) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see when the server is busy")
    log = tmp_path / "serve.log"
    with serve_subprocess("--insecure", log=log) as (proc, address):
        channel = grpc.insecure_channel(address)
        stub = _stub(channel)
        idle = _cpu_seconds(proc.pid)
        future = stub.RunFunction.future(_heavy_request(), timeout=60)
        deadline = time.monotonic() + 30
        while _cpu_seconds(proc.pid) < idle + 0.05 and time.monotonic() < deadline:
            time.sleep(0.005)  # until the server is visibly working on it
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        rsp = future.result()
        code = proc.wait(timeout=GRACE_SECONDS + 5)
        took = time.monotonic() - sent
        channel.close()
    assert rsp.meta.tag == "in-flight"
    assert rsp.results[0].message.startswith("invalid AwsDynamodb spec, 60000 problems")
    assert code == 0
    assert took < GRACE_SECONDS + 2
    _clean(log)


def test_sigterm_finishes_the_calls_queued_behind_the_one_in_progress(tmp_path: Path) -> None:
    # Crossplane may have several calls in one connection when its pod is told to
    # stop; the ones waiting behind the call being computed must be answered too.
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see when the server is busy")
    log = tmp_path / "serve.log"
    requests = []
    for i in range(6):
        req = _heavy_request()
        req.meta.tag = f"queued-{i}"
        # Distinct requests: the response cache must not answer them at once.
        req.observed.composite.resource["metadata"]["name"] = f"orders-{i}"
        requests.append(req)
    with serve_subprocess("--insecure", log=log) as (proc, address):
        channel = grpc.insecure_channel(address)
        stub = _stub(channel)
        idle = _cpu_seconds(proc.pid)
        futures = [stub.RunFunction.future(req, timeout=60) for req in requests]
        deadline = time.monotonic() + 30
        while _cpu_seconds(proc.pid) < idle + 0.05 and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGTERM)
        answers = [f.result() for f in futures]
        code = proc.wait(timeout=GRACE_SECONDS + 5)
        channel.close()
    assert [a.meta.tag for a in answers] == [f"queued-{i}" for i in range(6)]
    assert all(a.results[0].message.startswith("invalid AwsDynamodb spec") for a in answers)
    assert code == 0
    _clean(log)


def test_sigterm_under_load_exits_zero_and_answers_or_refuses_each_call(tmp_path: Path) -> None:
    # Calls the server has taken finish, in flight or queued. These clients never
    # stop, so after the grace period new calls are refused (UNAVAILABLE), and the
    # few that reach the server as it closes are cancelled: both statuses
    # Crossplane retries.
    log = tmp_path / "serve.log"
    req = build_request(load_yaml(FIXTURES / "guards" / "xr.yaml"))
    outcomes: Counter[str] = Counter()
    with serve_subprocess("--insecure", log=log) as (proc, address):

        def client() -> None:
            channel = grpc.insecure_channel(address)
            stub = _stub(channel)
            while proc.poll() is None:
                try:
                    rsp = stub.RunFunction(req, timeout=10)
                    ok = "table" in rsp.desired.resources and rsp.meta.tag == req.meta.tag
                    outcomes["answered" if ok else "malformed"] += 1
                except grpc.RpcError as exc:
                    outcomes[exc.code().name] += 1
            channel.close()

        with ThreadPoolExecutor(4) as pool:
            clients = [pool.submit(client) for _ in range(4)]
            time.sleep(1.0)
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=GRACE_SECONDS + 5)
            for c in clients:
                c.result(timeout=30)
    assert code == 0
    assert outcomes["answered"] > 0
    assert set(outcomes) <= {"answered", "CANCELLED", "UNAVAILABLE"}, outcomes
    _clean(log)
