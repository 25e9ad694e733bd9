"""The composite's API identity: its group, version, kinds and plurals.

Here, not in generate/xrd.py, so that `function render` and `function validate`
can recognise an XR or a claim without importing the XRD and CEL generators.

The project's own API is ``aws.project-planton.org/v1`` (``XAwsDynamodb``, claim
``AwsDynamodb``). A platform may serve the same spec under its own group and
kind (``function xrd --group G --kind K``): ``platform_api`` derives the names,
and the Composition's Input names the composite's type (``compositeTypeRef``) so
the function composes that one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CLAIM_KIND",
    "CLAIM_PLURAL",
    "DEFAULT_API",
    "GROUP",
    "VERSION",
    "XR_KIND",
    "XR_PLURAL",
    "CompositeApi",
    "api_of_type",
    "platform_api",
    "plural_of",
]

GROUP = "aws.project-planton.org"
VERSION = "v1"
XR_KIND = "XAwsDynamodb"
XR_PLURAL = "xawsdynamodbs"
CLAIM_KIND = "AwsDynamodb"
CLAIM_PLURAL = "awsdynamodbs"

# An XRD's group is a DNS subdomain with at least two labels (Crossplane refuses
# a group without a dot); a kind is a CamelCase word, as Kubernetes kinds are.
_GROUP = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$")
_KIND = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_GROUP_MAX = 253
# The CRD's name is PLURAL.GROUP, at most 253 characters; a label is at most 63.
_PLURAL_MAX = 63


@dataclass(frozen=True)
class CompositeApi:
    """The group, version, kinds and plurals an XRD serves the table request under."""

    group: str = GROUP
    version: str = VERSION
    xr_kind: str = XR_KIND
    xr_plural: str = XR_PLURAL
    claim_kind: str = CLAIM_KIND
    claim_plural: str = CLAIM_PLURAL

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"

    @property
    def xrd_name(self) -> str:
        """The XRD's (and its default Composition's) name: PLURAL.GROUP."""
        return f"{self.xr_plural}.{self.group}"


DEFAULT_API = CompositeApi()


def plural_of(kind: str) -> str:
    """Kubernetes' plural of a kind: lower case, English plural (Table -> tables)."""
    lower = kind.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
        return lower[:-1] + "ies"
    return lower + "s"


def platform_api(group: str, kind: str) -> CompositeApi:
    """The API of a platform's own group and claim kind: claim KIND, composite XKIND.

    Raises ValueError saying what a group or kind must look like.
    """
    if not _GROUP.match(group) or len(group) > _GROUP_MAX:
        raise ValueError(
            f"group {group!r}: must be a DNS subdomain with at least one dot, in lower case "
            "(e.g. platform.example.org)"
        )
    if not _KIND.match(kind):
        raise ValueError(
            f"kind {kind!r}: must be a CamelCase word of letters and digits starting with an "
            "upper-case letter (e.g. Table)"
        )
    xr_kind = f"X{kind}"
    api = CompositeApi(group, VERSION, xr_kind, plural_of(xr_kind), kind, plural_of(kind))
    if len(api.xr_plural) > _PLURAL_MAX:
        raise ValueError(f"kind {kind!r}: its plural {api.xr_plural} is over {_PLURAL_MAX} long")
    return api


def api_of_type(api_version: str, xr_kind: str) -> CompositeApi:
    """The API of a composite type (a Composition's compositeTypeRef), its claim KIND
    by the convention of ``platform_api``: the composite's kind less its leading X."""
    if (api_version, xr_kind) == (DEFAULT_API.api_version, DEFAULT_API.xr_kind):
        return DEFAULT_API
    group, _, version = api_version.rpartition("/")
    claim = xr_kind[1:] if xr_kind.startswith("X") and len(xr_kind) > 1 else xr_kind
    return CompositeApi(group, version, xr_kind, plural_of(xr_kind), claim, plural_of(claim))
