"""Realistic demo DSP, called by the demo builder once the demo persons exist; the demo import profile."""

import random
from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.intake.enums import (
    DeclaredObstacle,
    DrivingLicence,
    EducationLevel,
    ProfessionalSituation,
    SpreadsheetDateFormat,
    SpreadsheetField,
)
from jalon.intake.models import ImportProfile, SocioProfessionalData
from jalon.intake.services import import_profile_save
from jalon.organisations.models import Membership
from jalon.people.enums import Organisme
from jalon.people.models import Person


FILL_RATE = 0.7

# Weights roughly in line with the RSA population: mostly without a job, low education levels.
SITUATIONS = {
    ProfessionalSituation.JOB_SEEKING: 42,
    ProfessionalSituation.NOT_SEEKING: 20,
    ProfessionalSituation.BUILDING_PROJECT: 8,
    ProfessionalSituation.EMPLOYED: 8,
    ProfessionalSituation.SELF_EMPLOYED: 5,
    ProfessionalSituation.IAE: 3,
    ProfessionalSituation.TRAINING: 3,
    ProfessionalSituation.SICK_LEAVE: 4,
    ProfessionalSituation.DISABILITY: 3,
    ProfessionalSituation.FAMILY_CARER: 3,
    ProfessionalSituation.OTHER: 1,
}
EDUCATION_LEVELS = {
    EducationLevel.INFRA_3: 35,
    EducationLevel.LEVEL_3: 30,
    EducationLevel.LEVEL_4: 20,
    EducationLevel.LEVEL_5: 8,
    EducationLevel.LEVEL_6: 4,
    EducationLevel.LEVEL_7_8: 3,
}
LICENCES = {DrivingLicence.NONE: 40, DrivingLicence.B: 45, DrivingLicence.IN_PROGRESS: 10, DrivingLicence.OTHER: 5}
# Probability that each obstacle is declared.
OBSTACLES = {
    DeclaredObstacle.MOBILITY: 0.40,
    DeclaredObstacle.HOUSING: 0.25,
    DeclaredObstacle.HEALTH: 0.30,
    DeclaredObstacle.FAMILY: 0.20,
    DeclaredObstacle.LANGUAGE: 0.08,
    DeclaredObstacle.DIGITAL: 0.20,
    DeclaredObstacle.FINANCIAL: 0.30,
    DeclaredObstacle.ADMINISTRATIVE: 0.12,
}
# Jobs common in the Landes and Pyrénées-Atlantiques, with their ROME code.
LAST_JOBS = [
    ("Agent d'entretien", "K2204"),
    ("Aide à domicile", "K1302"),
    ("Employé polyvalent de restauration", "G1603"),
    ("Serveur", "G1803"),
    ("Commis de cuisine", "G1602"),
    ("Femme de chambre / valet de chambre", "G1501"),
    ("Ouvrier agricole", "A1401"),
    ("Saisonnier en viticulture", "A1405"),
    ("Bûcheron", "A1201"),
    ("Vendeur en alimentation", "D1106"),
    ("Caissier", "D1505"),
    ("Manutentionnaire", "N1105"),
    ("Préparateur de commandes", "N1103"),
    ("Chauffeur livreur", "N4105"),
    ("Agent de sécurité", "K2503"),
    ("Aide-soignant", "J1501"),
    ("Assistant maternel", "K1303"),
    ("Maçon", "F1703"),
]
PROJECTS = [
    "Reprendre un emploi dans l'aide à domicile, à temps partiel.",
    "Passer le permis B pour accéder aux emplois saisonniers.",
    "Se former au métier de cariste (CACES).",
    "Trouver un emploi dans la restauration pour la saison d'été.",
    "Créer une activité de vente sur les marchés.",
    "Trouver un logement stable avant de reprendre un emploi.",
    "Se soigner avant d'envisager une reprise d'activité.",
    "Obtenir une reconnaissance de la qualité de travailleur handicapé et se réorienter.",
    "Faire garder ses enfants pour pouvoir chercher un emploi.",
    "Suivre des cours de français pour préparer une formation qualifiante.",
    "Travailler dans l'entretien des espaces verts.",
    "Reprendre le travail en forêt ou en scierie.",
]


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _dsp_for(rng: random.Random, person: Person, today) -> SocioProfessionalData:
    situation = _pick(rng, SITUATIONS)
    licence = _pick(rng, LICENCES)
    has_licence = licence in (DrivingLicence.B, DrivingLicence.OTHER)
    has_vehicle = rng.random() < (0.65 if has_licence else 0.05)
    obstacles: list[str] = [code for code, probability in OBSTACLES.items() if rng.random() < probability]
    if not has_vehicle and DeclaredObstacle.MOBILITY not in obstacles and rng.random() < 0.4:
        obstacles = [code for code in DeclaredObstacle.values if code in {*obstacles, DeclaredObstacle.MOBILITY}]
    last_job, rome_code, end_date = "", "", None
    if rng.random() < 0.75:
        last_job, rome_code = rng.choice(LAST_JOBS)
        end_date = None if situation == ProfessionalSituation.EMPLOYED else today - timedelta(rng.randint(30, 8 * 365))
    dsp = SocioProfessionalData(
        person=person,
        professional_situation=situation,
        education_level=_pick(rng, EDUCATION_LEVELS),
        last_job=last_job,
        last_job_rome_code=rome_code,
        last_job_end_date=end_date,
        driving_licence=licence,
        has_vehicle=has_vehicle,
        declared_obstacles=obstacles,
        project=rng.choice(PROJECTS) if rng.random() < 0.85 else "",
        filled_by_person=rng.random() < 0.3,
        filled_on=today - timedelta(rng.randint(0, 3 * 365)),
    )
    # About one in ten questionnaires left partly unanswered at intake.
    if rng.random() < 0.1:
        dsp.has_vehicle = None
        if rng.random() < 0.5:
            dsp.declared_obstacles = None
    return dsp


def dsp_demo_fill(*, persons: Iterable[Person], seed: int) -> int:
    """Fill a DSP for about 70 % of the persons (those without one yet); returns how many were created.

    Deterministic for a given seed and set of persons (they are taken in primary key order); re-running it
    creates nothing new.
    """
    persons = sorted(persons, key=lambda person: person.pk)
    existing = set(
        SocioProfessionalData.objects.filter(person__in=[p.pk for p in persons]).values_list("person_id", flat=True)
    )
    rng = random.Random(seed)
    today = timezone.localdate()
    to_create = []
    for person in persons:
        if rng.random() >= FILL_RATE:
            continue
        # Drawn even when the person already has a DSP, so that the others get the same answers.
        dsp = _dsp_for(rng, person, today)
        if person.pk not in existing:
            to_create.append(dsp)
    SocioProfessionalData.objects.bulk_create(to_create, batch_size=1000)
    return len(to_create)


# The columns of a Yonne-like IODAS extraction (rdv-insertion's file configuration for the Yonne).
IODAS_PROFILE_NAME = "Export IODAS"
IODAS_MAPPING = {
    SpreadsheetField.INTERNAL_ID: "Code individu Iodas",
    SpreadsheetField.MATRICULE: "N° CAF",
    SpreadsheetField.ROLE: "Rôle",
    SpreadsheetField.CIVILITY: "Civilité",
    SpreadsheetField.LAST_NAME: "Nom",
    SpreadsheetField.BIRTH_NAME: "Nom JF",
    SpreadsheetField.FIRST_NAME: "Prénom",
    SpreadsheetField.BIRTH_DATE: "Date de naissance",
    SpreadsheetField.PHONE: "Numéro(s) de téléphone",
    SpreadsheetField.ADDRESS: "Adresse",
}


def spreadsheet_demo_profile(*, organisation, user) -> ImportProfile:
    """Save the organisation's "Export IODAS" import profile (idempotent: unchanged, it is not written again)."""
    membership = Membership.objects.filter(user=user, organisation=organisation).first() or Membership(
        user=user, organisation=organisation, role=Role.ADMINISTRATOR
    )
    return import_profile_save(
        actor=Actor(user=user, membership=membership),
        name=IODAS_PROFILE_NAME,
        mapping={str(field): header for field, header in IODAS_MAPPING.items()},
        date_format=SpreadsheetDateFormat.DAY_MONTH_YEAR,
        organisme=Organisme.CAF,
    )
