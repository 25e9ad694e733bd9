"""YAML that Go reads back as it was written.

Kubernetes and Crossplane parse YAML with YAML 1.1 rules, where a bare ``y``,
``Y``, ``n`` or ``N`` is a boolean; PyYAML writes those strings unquoted. So
``type: N`` (DynamoDB's number type) would reach kubectl or crossplane as
``type: false``. This dumper quotes them, as it already quotes ``yes``/``no``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from function.api.yaml11 import PYYAML_STRINGS


class GoSafeDumper(yaml.SafeDumper):
    pass


# A string that would resolve to a bool is written quoted.
GoSafeDumper.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile("^(?:" + "|".join(PYYAML_STRINGS) + ")$"),
    [w[0] for w in PYYAML_STRINGS],
)


def dump(doc: Any, **kwargs: Any) -> str:
    return str(yaml.dump(doc, Dumper=GoSafeDumper, **kwargs))


def dump_all(docs: Iterable[Any], **kwargs: Any) -> str:
    return str(yaml.dump_all(docs, Dumper=GoSafeDumper, **kwargs))
