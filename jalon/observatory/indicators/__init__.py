"""The computed indicators, one module per part of the path. Importing the package registers them all."""

from jalon.observatory.indicators import employers, exits, notebook, oarsa, orientation, population  # noqa: F401
