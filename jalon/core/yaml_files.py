"""Reading the YAML data files the domain rooms ship (plans, évaluation référentiels): a clear French refusal when a
file cannot be read or does not hold what it should."""

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError


def read_yaml_mapping(path: Path, *, key: str, what: str) -> dict:
    """The file's mapping, which must hold `key` (what the file describes, in French, for the message)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValidationError(f"Le fichier {path.name} n'est pas un YAML lisible : {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise ValidationError(f"Le fichier {path.name} ne décrit pas {what} (clé « {key} » absente).")
    return data
