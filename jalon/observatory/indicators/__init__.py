"""The computed indicators, one module per part of the path. Importing the package registers them all."""

from jalon.observatory.indicators import (  # noqa: F401
    employers,
    employment,
    exits,
    notebook,
    oarsa,
    orientation,
    population,
)
