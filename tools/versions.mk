# Every Go tool the tests use, and its pinned version: the one file to edit.
# Each tool is built from the Go module proxy by `make tools` into .tools/bin/,
# from a wrapper module under tools/ whose go.mod requires exactly this version.
#
# Crossplane v2.2.1, not v2.2.4: the module proxy these machines reach serves
# crossplane/v2 v2.0.0-v2.2.1 and v2.3.x, but not v2.2.2-v2.2.4; v2.3 moved the CLI
# out of the module, so v2.2.1 is the newest with cmd/crank. Likewise the provider
# CRDs come from provider-aws/v2 v2.5.0 (v2.5.1+ and v2.6.0 are not served).
CROSSPLANE_VERSION := v2.2.1
PROVIDER_AWS_VERSION := v2.5.0
# Crossplane 1.x, for its CRDs only: the claim XRD (xrd.yaml) must suit Crossplane 1.20+.
CROSSPLANE_V1_VERSION := v1.20.11

# The e2e control plane (make tools-controlplane, e2e/e2e.mk). Kubernetes is built
# from k8s.io/kubernetes with its staging modules at the matching k8s.io/* v0.35.x;
# etcd is the version k8s.io/apiserver v0.35.4 is built against.
KUBERNETES_VERSION := v1.35.4
KUBERNETES_STAGING_VERSION := v0.35.4
ETCD_VERSION := v3.6.5
CRANE_VERSION := v0.22.1
