"""``make e2e-scale``: many claims on the e2e control plane, and what they cost.

The figures are in docs/performance.md (Sizing).

``python -m e2e.scale --claims N`` brings the control plane up as ``make e2e`` does
(the function served through e2e/metered.py, Crossplane without ``--debug``),
plays the provider for every managed resource as it appears (standin.py), applies
N claims of the mix in mix.py, restarts the function once half of them are Ready,
waits until all are, watches them quietly for a while, prints the figures
(summary.py) and tears everything down.
"""
