"""The diagnostic référentiel of France Travail, as Jalon ships it: each entry with the data·inclusion v1
thématiques (category codes of the `data-inclusion-schema` package) whose services answer it. A Département's
administrator edits it afterwards; this is only the starting point."""

# code, label, kind, data·inclusion categories, position
DEFAULT_FREINS = [
    ("mobilite", "mobilité", "social", ["mobilite"], 10),
    ("contraintes_familiales", "contraintes familiales / garde d'enfants", "social", ["famille"], 20),
    ("sante", "santé", "social", ["sante"], 30),
    ("langue", "langue, lecture, écriture, calcul", "social", ["lecture-ecriture-calcul"], 40),
    ("logement", "logement", "social", ["logement-hebergement"], 50),
    (
        "difficultes_financieres",
        "difficultés financières",
        "social",
        ["difficultes-financieres", "equipement-et-alimentation"],
        60,
    ),
    (
        "difficultes_administratives",
        "difficultés administratives et juridiques",
        "social",
        ["difficultes-administratives-ou-juridiques"],
        70,
    ),
    ("numerique", "numérique", "social", ["numerique"], 80),
    (
        "emploi",
        "situation d'emploi (recherche, projet, candidature)",
        "emploi",
        ["choisir-un-metier", "preparer-sa-candidature", "trouver-un-emploi", "creer-une-entreprise"],
        90,
    ),
    ("formation", "situation de formation", "formation", ["se-former"], 100),
]

# The DSP's declared obstacles (jalon.intake.enums.DeclaredObstacle) → entries above, to prefill a new carnet.
DSP_OBSTACLE_TO_FREIN = {
    "mobilite": "mobilite",
    "contraintes_familiales": "contraintes_familiales",
    "sante": "sante",
    "maitrise_langue": "langue",
    "logement": "logement",
    "difficulte_financiere": "difficultes_financieres",
    "difficulte_administrative": "difficultes_administratives",
    "numerique": "numerique",
}


def freins_default_create(model=None) -> int:
    """Create the entries above that are missing (an administrator's edits are kept). `model` is the historical
    model when called from a migration."""
    if model is None:
        from jalon.notebook.models import FreinCategory as model
    created = 0
    for code, label, kind, thematiques, position in DEFAULT_FREINS:
        _, was_created = model.objects.get_or_create(
            code=code, defaults={"label": label, "kind": kind, "thematiques": thematiques, "position": position}
        )
        created += was_created
    return created
