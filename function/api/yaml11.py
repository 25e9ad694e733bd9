"""YAML 1.1's booleans, as Kubernetes reads a manifest.

kubectl, the API server and the crossplane CLI read YAML with go-yaml v2's YAML
1.1 rules: an unquoted word below is a boolean. PyYAML (YAML 1.1 too) leaves y,
Y, n and N strings, so a claim's ``type: N`` (DynamoDB's number type) that
PyYAML reads as "N" reaches the API server as ``false``. The command line reads
YAML with these rules (function/offline.py), its output quotes them
(generate/yamlout.py), and a boolean where a string belongs is refused with the
word to quote (api/parse.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

__all__ = ["PYYAML_STRINGS", "YAML11_BOOLEANS", "YAML11_BOOLEAN_RE", "boolean_for_string"]

# go-yaml v2's resolve table: each word in lower case, capitalised and upper case.
YAML11_BOOLEANS: dict[str, bool] = {
    spelled: value
    for value, words in ((True, ("y", "yes", "on", "true")), (False, ("n", "no", "off", "false")))
    for word in words
    for spelled in (word, word.capitalize(), word.upper())
}
YAML11_BOOLEAN_RE = re.compile("^(?:" + "|".join(sorted(YAML11_BOOLEANS)) + ")$")
# The ones PyYAML's SafeLoader reads as strings.
PYYAML_STRINGS = ("y", "Y", "n", "N")


def _words(value: bool) -> str:
    words = [w for w, v in YAML11_BOOLEANS.items() if v is value and w.islower()]
    return ", ".join(words[:-1]) + " or " + words[-1]


def boolean_for_string(value: bool, allowed: Sequence[str] = ()) -> str:
    """What to say about ``value`` where a string (one of ``allowed``, if given) belongs.

    When exactly one allowed string is a YAML 1.1 spelling of ``value`` (``N`` of
    false, for an attribute type), that is surely what was written: name it.
    """
    said = json.dumps(value)
    meant = [a for a in allowed if YAML11_BOOLEANS.get(a) is value]
    if len(meant) == 1:
        return (
            f"got the boolean {said}: YAML, as kubectl reads it, makes an unquoted "
            f'{meant[0]} the boolean {said}; quote it: "{meant[0]}"'
        )
    return (
        f"got the boolean {said}, not a string: YAML, as kubectl reads it, makes an unquoted "
        f"{_words(value)} (also capitalised or in upper case) the boolean {said}; quote the value"
    )
