# Two commands for a fresh machine with Python >= 3.11 and make:
#   make render   renders examples/xr.yaml
#   make test     runs the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: render test lint typecheck bench generate xrd golden clean lock test-3.13 tools package version

include tools/versions.mk

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "$(PYTHON) is older than 3.11; run make PYTHON=python3.11 (or newer)" >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ rm -rf $(VENV); echo "$(PYTHON) -m venv failed; on Debian or Ubuntu: apt-get install python3-venv" >&2; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

render: $(STAMP)
	$(BIN)/function render examples/xr.yaml

# The Crossplane CLI tests need the pinned tools; without Go they skip (and fail under CI).
test: $(STAMP) $(if $(shell command -v go),tools)
	$(BIN)/ruff check function tests benchmarks scripts e2e
	$(BIN)/ruff format --check function tests benchmarks scripts e2e
	$(BIN)/mypy
	$(BIN)/python -m pytest

# Everything generated from the models: both XRDs, the Composition, the Input CRD and docs/api.md.
# tests/test_package.py and tests/test_docs.py fail when a checked-in copy drifts.
generate: $(STAMP)
	$(BIN)/function xrd > examples/xrd.yaml
	$(BIN)/function xrd --v2 > examples/xrd-v2.yaml
	$(BIN)/function composition > examples/composition.yaml
	$(BIN)/function input-crd > package/input/awsdynamodb.fn.project-planton.org_inputs.yaml
	$(BIN)/function docs > docs/api.md

xrd: generate

# Rewrites tests/golden/ from `function render` of every example; review the diff.
golden: $(STAMP)
	$(BIN)/python -m tests.golden

lint: $(STAMP)
	$(BIN)/ruff check function tests benchmarks scripts e2e
	$(BIN)/ruff format --check function tests benchmarks scripts e2e

typecheck: $(STAMP)
	$(BIN)/mypy

# Prints latency, throughput, cold start and RSS against a no-op function's floor.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)


# The release's version: function/__version__.py, the one place it is written.
VERSION := v$(shell sed -n 's/^__version__ = "\(.*\)"$$/\1/p' function/__version__.py)

version:
	@echo $(VERSION)

# Both packages of a release, with the pinned `crossplane` CLI: the Function
# (package/) and the Configuration (configuration/crossplane.yaml, the claim XRD
# and the Composition, copied from examples/ so they cannot differ). Without
# Docker the Function package has no runtime image; give one with
# RUNTIME_IMAGE_TARBALL=runtime-amd64.tar (docs/package.md). Push with
# `crossplane xpkg push -f PACKAGE_DIR/NAME-$(VERSION).xpkg REGISTRY/NAME:$(VERSION)`.
PACKAGE_DIR ?= _output
package: $(STAMP) $(if $(shell command -v go),tools)
	@test -x $(TOOLS_BIN)/crank || { echo "$(TOOLS_BIN)/crank is missing: run make tools (needs Go)" >&2; exit 1; }
	rm -rf $(PACKAGE_DIR)/configuration && mkdir -p $(PACKAGE_DIR)/configuration
	cp configuration/crossplane.yaml examples/xrd.yaml examples/composition.yaml $(PACKAGE_DIR)/configuration/
	$(TOOLS_BIN)/crank xpkg build --package-root=package --examples-root=$(PACKAGE_DIR)/no-examples \
		$(if $(RUNTIME_IMAGE_TARBALL),--embed-runtime-image-tarball=$(RUNTIME_IMAGE_TARBALL)) \
		--package-file=$(PACKAGE_DIR)/function-aws-dynamodb-$(VERSION).xpkg
	$(TOOLS_BIN)/crank xpkg build --package-root=$(PACKAGE_DIR)/configuration \
		--examples-root=$(PACKAGE_DIR)/no-examples \
		--package-file=$(PACKAGE_DIR)/configuration-aws-dynamodb-$(VERSION).xpkg

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Pins what the image installs, with hashes (requirements/*.txt; tests/test_lock.py checks
# they agree with pyproject.toml), and checks wheels exist for CPython 3.11 and 3.13.
lock: $(STAMP)
	scripts/lock.sh $(BIN)

# The suite on Python 3.13, the image's interpreter, in a venv of its own. CI runs it
# too: the newest 3.13 the machine's pyenv holds (the project's machines come with
# pyenv's CPython 3.6-3.13, 3.11 the default; pyenv's python3.13 shim does not run
# while 3.11 is the global version), else python3.13 from PATH.
PYTHON313 ?= $(or $(lastword $(sort $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13))),$(shell command -v python3.13 2>/dev/null))
test-3.13:
	@test -n "$(PYTHON313)" || { echo "no Python 3.13: put python3.13 on PATH or run make test-3.13 PYTHON313=/path/to/python3.13" >&2; exit 1; }
	$(MAKE) test PYTHON=$(PYTHON313) VENV=.venv-3.13

# --- pinned Go tools ---------------------------------------------------------------
# `make tools` builds every tool in tools/versions.mk into .tools/bin/, each group of
# binaries in one `go build` (one shared compile) from its wrapper module tools/GROUP/.
# A group is rebuilt only when its stamp .tools/stamps/GROUP@VERSION is missing (first
# build, or the pin changed), its wrapper module changed, or one of its binaries is gone.
# The Go module and build caches are kept: they make a rebuild after a pin change cheap.
TOOLS_BIN := .tools/bin
TOOLS_STAMPS := .tools/stamps
# Only the proxy: never fall back to fetching modules from their origin hosts.
GO_ENV = GOTOOLCHAIN=local GOFLAGS=-mod=mod GOSUMDB=off \
	GOPROXY="$$(go env GOPROXY | sed -e 's/[,|]direct//g' -e 's/^direct$$/off/')"

# $(call go_tools,GROUP,VERSION,BINARIES,PACKAGES,LDFLAGS): one line per group below.
define go_tools
$(TOOLS_STAMPS)/$(1)@$(2): tools/$(1)/go.mod $(wildcard tools/$(1)/go.sum) \
		$(if $(strip $(foreach b,$(3),$(if $(wildcard $(TOOLS_BIN)/$(b)),,missing))),FORCE)
	@mkdir -p $(TOOLS_BIN) $(TOOLS_STAMPS)
	@echo "building $(3) ($(1) $(2))"
	cd tools/$(1) && $$(GO_ENV) go build -ldflags '$(5)' -o $(CURDIR)/$(TOOLS_BIN)/ $(4)
	@rm -f $(TOOLS_STAMPS)/$(1)@*
	@touch $$@
TOOLS_STAMP_FILES += $(TOOLS_STAMPS)/$(1)@$(2)
endef

XP := github.com/crossplane/crossplane/v2
$(eval $(call go_tools,crossplane,$(CROSSPLANE_VERSION),crank crossplane,$(XP)/cmd/crank $(XP)/cmd/crossplane,-X $(XP)/internal/version.version=$(CROSSPLANE_VERSION)))

tools: $(TOOLS_STAMP_FILES)

.PHONY: FORCE
FORCE:

# The end-to-end harness on a real control plane (docs/e2e.md); after TOOLS_BIN and tools.
include e2e/e2e.mk

# The real provider for `make e2e-aws`, pruned and patched (tools/provider/); opt-in.
include tools/provider/provider.mk
