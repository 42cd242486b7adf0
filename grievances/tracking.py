"""Tracking codes: 15 symbols drawn with `secrets` from a 31-symbol alphabet that leaves
out 0/O and 1/I/L (they are misheard and misread), printed in three groups of five:
`7KQ3M-XWP9H-TCR4N`. 31**15 ≈ 2**74.3, so a code carries 74 bits of randomness.

A code is looked up in one indexed query whatever its shape: a code of the wrong shape
is normalised to a value that cannot exist and still costs the same lookup, so a wrong
code and an unknown one answer alike (404) and in the same time."""

import math
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 15
GROUP = 5
RANDOM_BITS = LENGTH * math.log2(len(ALPHABET))  # 74.3
_SEPARATORS = re.compile(r"[\s\-_.]+")
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")
# Never generated (it has an excluded symbol), so the lookup finds nothing.
IMPOSSIBLE_CODE = "0" * LENGTH


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _position in range(LENGTH))


def group_code(code: str) -> str:
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))


def normalise_code(text) -> str:
    """The stored form of what someone typed (any case, spaces or dashes), or
    IMPOSSIBLE_CODE when it cannot be a code."""
    code = _SEPARATORS.sub("", str(text or "")).upper()
    return code if _VALID.match(code) else IMPOSSIBLE_CODE
