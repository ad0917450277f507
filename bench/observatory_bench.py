"""What the observatory's benchmarks share, imported before anything of the project: the project on the path, Django
set up with the development settings (DEBUG off, no statement timeout: a computation runs for minutes), and the
Département and days of the Nord population they measure (`observatory_population.py`)."""

import os
import sys
from datetime import date, timedelta
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")

import django


django.setup()

from observatory_population import DEPARTEMENT  # noqa: E402

from jalon.core.periods import add_months  # noqa: E402


TODAY = date(2026, 12, 31)
# The month ends of a full recompute of 36 months up to TODAY.
MONTH_ENDS = [add_months(date(2024, 2, 1), months) - timedelta(days=1) for months in range(36)]

__all__ = ["DEPARTEMENT", "MONTH_ENDS", "TODAY"]
