"""The end-to-end harness: a local control plane, Crossplane core and the function."""
