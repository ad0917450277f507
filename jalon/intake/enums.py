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


# DSP (données socio-professionnelles). Codes follow the Carnet de bord / France Travail référentiels
# where they exist (work situations, freins), so that they can be exchanged without a mapping table.


class ProfessionalSituation(models.TextChoices):
    JOB_SEEKING = "recherche_emploi", "sans emploi, en recherche d'emploi"
    NOT_SEEKING = "sans_emploi", "sans emploi, sans recherche en cours"
    BUILDING_PROJECT = "construction_projet", "en construction de projet professionnel"
    EMPLOYED = "emploi", "en emploi (salarié)"
    SELF_EMPLOYED = "independant", "travailleur indépendant"
    IAE = "iae", "en insertion par l'activité économique (IAE)"
    TRAINING = "formation", "en formation"
    SICK_LEAVE = "maladie", "en arrêt maladie"
    DISABILITY = "invalidite", "en invalidité"
    FAMILY_CARER = "aidant_familial", "aidant familial"
    OTHER = "autre", "autre situation"


class EducationLevel(models.TextChoices):
    """Levels of the national nomenclature of diplomas (2019)."""

    INFRA_3 = "infra_3", "infra 3 / sans diplôme"
    LEVEL_3 = "3", "3 — CAP, BEP"
    LEVEL_4 = "4", "4 — bac"
    LEVEL_5 = "5", "5 — bac+2"
    LEVEL_6 = "6", "6 — bac+3/4"
    LEVEL_7_8 = "7_8", "7/8 — bac+5 et plus"


# France Travail (and Carnet de bord) still use the 1969 levels: NV5 = CAP/BEP … NV1 = bac+5. Infra 3 covers
# several of their codes (AFS, CFG, CP4, C12, C3A) and so has no single equivalent.
EDUCATION_LEVEL_FRANCE_TRAVAIL = {
    EducationLevel.LEVEL_3: "NV5",
    EducationLevel.LEVEL_4: "NV4",
    EducationLevel.LEVEL_5: "NV3",
    EducationLevel.LEVEL_6: "NV2",
    EducationLevel.LEVEL_7_8: "NV1",
}


class DrivingLicence(models.TextChoices):
    NONE = "aucun", "aucun permis"
    B = "b", "permis B"
    OTHER = "autre", "autre permis (deux-roues, poids lourd…)"
    IN_PROGRESS = "en_cours", "permis en cours de préparation"


class DeclaredObstacle(models.TextChoices):
    """Freins declared by the person; codes are the Carnet de bord themes."""

    MOBILITY = "mobilite", "mobilité"
    HOUSING = "logement", "logement"
    HEALTH = "sante", "santé"
    FAMILY = "contraintes_familiales", "garde d'enfants / contraintes familiales"
    LANGUAGE = "maitrise_langue", "langue (lecture, écriture, calcul)"
    DIGITAL = "numerique", "numérique"
    FINANCIAL = "difficulte_financiere", "ressources / difficultés financières"
    ADMINISTRATIVE = "difficulte_administrative", "difficultés administratives et juridiques"


# France Travail "diagnostic argumenté" contrainte codes (group 7, "Résoudre ses contraintes personnelles").
# Numérique has no contrainte code there.
DECLARED_OBSTACLE_FRANCE_TRAVAIL = {
    DeclaredObstacle.MOBILITY: "23",
    DeclaredObstacle.FAMILY: "24",
    DeclaredObstacle.HEALTH: "25",
    DeclaredObstacle.LANGUAGE: "26",
    DeclaredObstacle.HOUSING: "27",
    DeclaredObstacle.FINANCIAL: "28",
    DeclaredObstacle.ADMINISTRATIVE: "29",
}


# Spreadsheet import (lists of beneficiaries exported from the Département's software, rdv-insertion style).


class SpreadsheetField(models.TextChoices):
    """What a column of a beneficiary list may hold; an import profile maps each to a column header."""

    NIR = "nir", "NIR (numéro de sécurité sociale)"
    INTERNAL_ID = "internal_id", "identifiant départemental (IODAS…)"
    MATRICULE = "matricule", "n° CAF/MSA (matricule du foyer)"
    ORGANISME = "organisme", "organisme (CAF ou MSA)"
    ROLE = "role", "rôle dans le foyer"
    CIVILITY = "civility", "civilité"
    LAST_NAME = "last_name", "nom d'usage"
    BIRTH_NAME = "birth_name", "nom de naissance"
    FIRST_NAME = "first_name", "prénom"
    BIRTH_DATE = "birth_date", "date de naissance"
    PHONE = "phone", "téléphone"
    EMAIL = "email", "e-mail"
    ADDRESS = "address", "adresse"
    POSTAL_CODE = "postal_code", "code postal"
    CITY = "city", "ville"
    FRANCE_TRAVAIL_ID = "france_travail_id", "identifiant France Travail"

    @classmethod
    def required(cls) -> tuple[str, ...]:
        return (cls.LAST_NAME, cls.FIRST_NAME)

    @classmethod
    def identifiers(cls) -> tuple[str, ...]:
        """Without a birth date column, a list must carry one of these to find persons already known (contact
        lists of the CNAF or rdv-insertion often have no birth date)."""
        return (cls.MATRICULE, cls.NIR, cls.INTERNAL_ID)


class SpreadsheetDateFormat(models.TextChoices):
    """How the dates of a CSV are written (spreadsheet date cells are read as dates whatever this says)."""

    DAY_MONTH_YEAR = "%d/%m/%Y", "JJ/MM/AAAA"
    ISO = "%Y-%m-%d", "AAAA-MM-JJ"
    DAY_MONTH_YEAR_DASH = "%d-%m-%Y", "JJ-MM-AAAA"
