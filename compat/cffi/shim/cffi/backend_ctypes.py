"""rcffi has no ctypes-based backend: the name exists so test modules import."""


class CTypesBackend:
    def __init__(self):
        raise ImportError("rcffi has no ctypes backend for cffi's front end")
