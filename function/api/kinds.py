"""The composite's API identity: its group, version, kinds and plurals.

Here, not in generate/xrd.py, so that `function render` and `function validate`
can recognise an XR or a claim without importing the XRD and CEL generators.
"""

from __future__ import annotations

__all__ = ["CLAIM_KIND", "CLAIM_PLURAL", "GROUP", "VERSION", "XR_KIND", "XR_PLURAL"]

GROUP = "aws.project-planton.org"
VERSION = "v1"
XR_KIND = "XAwsDynamodb"
XR_PLURAL = "xawsdynamodbs"
CLAIM_KIND = "AwsDynamodb"
CLAIM_PLURAL = "awsdynamodbs"
