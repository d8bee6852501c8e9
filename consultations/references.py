"""Response references: short enough to read over the phone, with no characters that look alike.

Eight characters from 31 (no 0/O, 1/I/L), written XXXX-XXXX: about 850 billion references, so a clash is
rare, and the unique constraint turns one into a retry rather than a duplicate.
"""

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PATTERN = re.compile(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}")


def new_reference():
    characters = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{characters[:4]}-{characters[4:]}"


def normalise(text):
    """A reference as a person might type it ("abcd efgh", "ABCDEFGH") in its written form, or ""."""
    compact = re.sub(r"[\s-]", "", text or "").upper()
    reference = f"{compact[:4]}-{compact[4:]}"
    return reference if PATTERN.fullmatch(reference) else ""
