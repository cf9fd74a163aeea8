"""Preservation: the verifiable package (a BagIt bag) of an issued response, its writing and its checking."""
