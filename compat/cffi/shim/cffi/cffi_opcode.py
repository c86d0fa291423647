"""``PRIMITIVE_TO_INDEX``: the primitive type names rcffi's backend knows.

cffi numbers them for its own type tables; only the set of names is public
behaviour, so the numbers here are positions in the table of ``cffi.model``.
"""

from .model import PrimitiveType

PRIMITIVE_TO_INDEX = {name: i for i, name in enumerate(PrimitiveType.ALL_PRIMITIVE_TYPES)}
