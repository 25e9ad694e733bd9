# The real provider-upjet-aws for `make e2e-aws` (docs/e2e.md), built from the Go module
# proxy at PROVIDER_AWS_VERSION (tools/versions.mk). Included by the Makefile.
#
# tools/provider/prepare.py copies the pinned module into .tools/src/provider/, keeps only
# the groups the function composes (the published module has no build tags, so its mains
# compile all ~5,400 packages of the monolith; this one compiles ~3,000) and applies the
# patches under tools/provider/patches/ to the Terraform fork it pins. Not part of CI:
# cold it costs ~45 min of 2 cores and ~10 GB of memory in the link (docs/e2e.md).
PROVIDER_SRC := .tools/src/provider
PROVIDER_LDFLAGS := -s -w -X github.com/upbound/provider-aws/v2/internal/version.Version=$(PROVIDER_AWS_VERSION)
PROVIDER_INPUTS := tools/provider/prepare.py $(wildcard tools/provider/patches/*.patch) tools/versions.mk

.PHONY: tools-provider tools-provider-unpatched

tools-provider: $(TOOLS_BIN)/provider-aws

# The same provider without the project's patches: what v2.5.0 users run (e2e-aws proves
# the patch matters against it).
tools-provider-unpatched: $(TOOLS_BIN)/provider-aws-unpatched

$(PROVIDER_SRC)/.done: $(PROVIDER_INPUTS)
	python3 tools/provider/prepare.py $(PROVIDER_SRC) $(PROVIDER_AWS_VERSION)
	touch $@

$(PROVIDER_SRC)-unpatched/.done: $(PROVIDER_INPUTS)
	python3 tools/provider/prepare.py $(PROVIDER_SRC)-unpatched $(PROVIDER_AWS_VERSION) --no-patches
	touch $@

$(TOOLS_BIN)/provider-aws: $(PROVIDER_SRC)/.done
	@mkdir -p $(TOOLS_BIN)
	cd $(PROVIDER_SRC)/provider-aws && $(GO_ENV) go build -trimpath -ldflags '$(PROVIDER_LDFLAGS)' \
		-o $(CURDIR)/$@ ./cmd/provider/function-dynamodb

$(TOOLS_BIN)/provider-aws-unpatched: $(PROVIDER_SRC)-unpatched/.done
	@mkdir -p $(TOOLS_BIN)
	cd $(PROVIDER_SRC)-unpatched/provider-aws && $(GO_ENV) go build -trimpath -ldflags '$(PROVIDER_LDFLAGS)' \
		-o $(CURDIR)/$@ ./cmd/provider/function-dynamodb
