# The end-to-end harness: a real control plane (etcd, kube-apiserver,
# kube-controller-manager), Crossplane core and the function, as local processes on
# loopback. Included by the Makefile. Go tools are built from the module proxy into
# .tools/bin from the wrapper modules under tools/, pinned in tools/versions.mk.
# tools/versions.mk, TOOLS_BIN and `make tools` (crank, crossplane) come from the Makefile.
TOOLS_SHARE := .tools/share
# The module proxy, without a `direct` fallback: these machines reach only the proxy.
GO_ENV = GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" GOSUMDB=off \
	GOPROXY="$$(go env GOPROXY | sed -e 's/[,|]direct//g')"
K8S_LDFLAGS := -s -w \
	-X k8s.io/component-base/version.gitVersion=$(KUBERNETES_VERSION) \
	-X k8s.io/component-base/version.gitMajor=$(patsubst v%,%,$(word 1,$(subst ., ,$(KUBERNETES_VERSION)))) \
	-X k8s.io/component-base/version.gitMinor=$(word 2,$(subst ., ,$(KUBERNETES_VERSION))) \
	-X k8s.io/component-base/version.gitTreeState=clean \
	-X k8s.io/client-go/pkg/version.gitVersion=$(KUBERNETES_VERSION)
CONTROLPLANE_TOOLS := $(addprefix $(TOOLS_BIN)/,kube-apiserver kube-controller-manager kubectl etcd crane)

.PHONY: tools-controlplane controlplane-up controlplane-down e2e controlplane-up-aws e2e-aws \
	e2e-aws-unpatched e2e-scale

tools-controlplane: tools $(CONTROLPLANE_TOOLS) $(TOOLS_SHARE)/crossplane-crds/.done $(TOOLS_SHARE)/provider-crds/.done

# Fails early when a wrapper go.mod and tools/versions.mk disagree.
define check_pin
	@grep -q '$(1) $(2)$$' $(3) || { echo "$(3) does not require $(1) $(2) (tools/versions.mk)" >&2; exit 1; }
endef

$(TOOLS_BIN)/kube-apiserver $(TOOLS_BIN)/kube-controller-manager $(TOOLS_BIN)/kubectl: tools/kubernetes/go.mod tools/versions.mk
	$(call check_pin,k8s.io/kubernetes,$(KUBERNETES_VERSION),tools/kubernetes/go.mod)
	$(call check_pin,k8s.io/apiserver => k8s.io/apiserver,$(KUBERNETES_STAGING_VERSION),tools/kubernetes/go.mod)
	cd tools/kubernetes && $(GO_ENV) go build -trimpath -ldflags '$(K8S_LDFLAGS)' \
		-o $(CURDIR)/$@ k8s.io/kubernetes/cmd/$(notdir $@)

$(TOOLS_BIN)/etcd: tools/etcd/go.mod tools/etcd/main.go tools/versions.mk
	$(call check_pin,go.etcd.io/etcd/server/v3,$(ETCD_VERSION),tools/etcd/go.mod)
	cd tools/etcd && $(GO_ENV) go build -trimpath -ldflags '-s -w' -o $(CURDIR)/$@ .

$(TOOLS_BIN)/crane: tools/registry/go.mod tools/versions.mk
	$(call check_pin,github.com/google/go-containerregistry,$(CRANE_VERSION),tools/registry/go.mod)
	cd tools/registry && $(GO_ENV) go build -trimpath -ldflags '-s -w' -o $(CURDIR)/$@ \
		github.com/google/go-containerregistry/cmd/crane

# Crossplane's core CRDs (for `crossplane core init`) and the provider CRDs the
# function composes, copied out of the module cache.
$(TOOLS_SHARE)/crossplane-crds/.done: tools/versions.mk
	rm -rf $(dir $@) && mkdir -p $(dir $@)
	dir=$$(cd tools/crossplane && $(GO_ENV) go list -m -f '{{.Dir}}' github.com/crossplane/crossplane/v2) && \
		cp $$dir/cluster/crds/*.yaml $(dir $@)
	touch $@

PROVIDER_CRDS := dynamodb.aws.upbound.io_tables dynamodb.aws.upbound.io_contributorinsights \
	appautoscaling.aws.upbound.io_targets appautoscaling.aws.upbound.io_policies \
	dynamodb.aws.m.upbound.io_tables dynamodb.aws.m.upbound.io_contributorinsights \
	appautoscaling.aws.m.upbound.io_targets appautoscaling.aws.m.upbound.io_policies \
	appautoscaling.aws.upbound.io_scheduledactions appautoscaling.aws.m.upbound.io_scheduledactions \
	dynamodb.aws.upbound.io_resourcepolicies dynamodb.aws.m.upbound.io_resourcepolicies \
	cloudwatch.aws.upbound.io_metricalarms cloudwatch.aws.m.upbound.io_metricalarms \
	iam.aws.upbound.io_policies iam.aws.m.upbound.io_policies

# The list above is a prerequisite too: a kind added to it is copied on the next run.
$(TOOLS_SHARE)/provider-crds/.done: tools/versions.mk e2e/e2e.mk
	rm -rf $(dir $@) && mkdir -p $(dir $@)
	dir=$$($(GO_ENV) go mod download -json github.com/upbound/provider-aws/v2@$(PROVIDER_AWS_VERSION) | \
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p') && \
		for crd in $(PROVIDER_CRDS); do cp $$dir/package/crds/$$crd.yaml $(dir $@) || exit 1; done
	touch $@

# For the real provider (make e2e-aws): every CRD of the groups it is built with and
# its ProviderConfig CRDs (cluster-scoped and namespaced), from the same pinned module.
PROVIDER_AWS_GROUPS := dynamodb appautoscaling cloudwatch iam

$(TOOLS_SHARE)/provider-aws-crds/.done: tools/versions.mk
	rm -rf $(dir $@) && mkdir -p $(dir $@)
	dir=$$($(GO_ENV) go mod download -json github.com/upbound/provider-aws/v2@$(PROVIDER_AWS_VERSION) | \
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p') && \
		for group in $(PROVIDER_AWS_GROUPS:%=%.aws) aws; do \
			cp $$dir/package/crds/$$group.upbound.io_*.yaml $$dir/package/crds/$$group.m.upbound.io_*.yaml \
				$(dir $@) || exit 1; \
		done
	touch $@

# Leaves the control plane running; kubeconfig at .e2e/kubeconfig.
controlplane-up: $(STAMP) tools-controlplane
	$(BIN)/python -m e2e up

controlplane-down: $(STAMP)
	$(BIN)/python -m e2e down

# Up, the scenarios under e2e/, down (also on failure, Ctrl-C and SIGTERM).
e2e: $(STAMP) tools-controlplane
	$(BIN)/python -m e2e run $(E2E_ARGS)

# The real provider (.tools/bin/provider-aws, `make tools-provider`) against the AWS
# emulator instead of the stand-in, and the scenarios under e2e/aws/. Opt-in, not in
# CI: the provider's cold build alone takes about 45 minutes (docs/e2e.md).
E2E_AWS_TOOLS := tools-controlplane $(TOOLS_BIN)/provider-aws $(TOOLS_SHARE)/provider-aws-crds/.done

controlplane-up-aws: $(STAMP) $(E2E_AWS_TOOLS)
	$(BIN)/python -m e2e up --aws

e2e-aws: $(STAMP) $(E2E_AWS_TOOLS)
	$(BIN)/python -m e2e run --aws $(E2E_ARGS)

# The range-key scenario on the provider without the project's patch, what v2.5.0
# users run: the claim is stuck, with the provider's message (e2e/aws/test_2_*.py).
e2e-aws-unpatched: $(STAMP) $(E2E_AWS_TOOLS) $(TOOLS_BIN)/provider-aws-unpatched
	E2E_PROVIDER_BINARY=provider-aws-unpatched $(BIN)/python -m e2e run --aws -k range_key $(E2E_ARGS)

# N claims of the examples' mix on the same control plane, the harness playing the
# provider for all of them; the function restarted half way. Prints the figures of
# docs/performance.md (Sizing) and keeps them in _output/e2e-scale/. Opt-in, not in CI.
N ?= 1000
e2e-scale: $(STAMP) tools-controlplane
	$(BIN)/python -m e2e.scale --claims $(N) $(SCALE_ARGS)
