from django.db import models


class ImportKind(models.TextChoices):
    CAF_FLUX = "caf_flux", "flux CAF/MSA (XML)"
    SPREADSHEET = "spreadsheet", "tableur (CSV/XLSX)"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "en attente"
    RUNNING = "running", "en cours"
    DONE = "done", "terminé"
    ALREADY_IMPORTED = "already_imported", "déjà importé (aucun changement)"
    FAILED = "failed", "échec (rien n'a été écrit)"


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", "à examiner"
    MERGED = "merged", "fusionnés"
    DISTINCT = "distinct", "personnes distinctes"
