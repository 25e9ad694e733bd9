// crane, for `crane registry serve`: the local OCI registry on 127.0.0.1 that the
// e2e harness pushes the Function package to.
module tools.local/registry

go 1.25.0

require github.com/google/go-containerregistry v0.22.1
