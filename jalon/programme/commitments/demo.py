"""The demo's commitments, written through the services by the Département's programme pilot: the Landes' history
(2021-2025: the Département's 6 ETP of « cas complexes » referents on A.3, the CAF on A.1 and B.10, Pôle Emploi on
B.25 and B.26 with its 60 extra CUI-PEC in 2021), most with their yearly account; a few for the Pyrénées-Atlantiques'
current years. Idempotent: a commitment already there is left as it is."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.organisations.models import Membership
from jalon.programme.commitments.models import SignatoryCommitment
from jalon.programme.commitments.services import commitment_account_record, commitment_save


# (signatory key, action code, year, kind, quantity, unit, text, delivered or None, comment)
LANDES = [
    (
        "cd40",
        "A.3",
        2021,
        "etp",
        6,
        "",
        "6 référents de parcours « cas complexes » (32 K€ par ETP et par an)",
        5,
        "Un poste vacant de septembre à décembre.",
    ),
    ("cd40", "A.3", 2022, "etp", 6, "", "6 référents de parcours « cas complexes »", 6, ""),
    ("cd40", "A.3", 2022, "euros", 190000, "", "Référents cas complexes : 190 K€ par an (CALPAE, FSE+)", 188400, ""),
    ("cd40", "A.3", 2023, "etp", 6, "", "6 référents de parcours « cas complexes »", 6, ""),
    ("cd40", "A.3", 2024, "etp", 6, "", "6 référents de parcours « cas complexes »", 6, ""),
    ("cd40", "A.3", 2025, "etp", 6, "", "6 référents de parcours « cas complexes »", None, ""),
    (
        "caf",
        "A.1",
        2021,
        "autre",
        100,
        "% des demandes instruites",
        "Recueil des DSP simplifiées dès l'instruction, à partir du 1er septembre 2021",
        82,
        "Démarrage au 1er septembre ; 82 % des demandes de l'automne.",
    ),
    (
        "caf",
        "A.1",
        2022,
        "autre",
        100,
        "% des demandes instruites",
        "Recueil des DSP simplifiées à l'instruction",
        94,
        "",
    ),
    (
        "caf",
        "B.10",
        2021,
        "places",
        10,
        "places en crèche AVIP",
        "Labellisation de micro-crèches à vocation d'insertion professionnelle",
        8,
        "Deux micro-crèches labellisées (Mont-de-Marsan, Dax).",
    ),
    ("caf", "B.10", 2022, "places", 20, "places en crèche AVIP", "Extension à deux nouveaux établissements", 18, ""),
    ("caf", "B.10", 2023, "places", 25, "places en crèche AVIP", "", None, ""),
    (
        "pole_emploi",
        "B.25",
        2021,
        "places",
        150,
        "PMSMP prescrites",
        "Ouverture de la prescription de PMSMP aux référents du Département",
        121,
        "",
    ),
    ("pole_emploi", "B.25", 2022, "places", 200, "PMSMP prescrites", "", 214, ""),
    (
        "pole_emploi",
        "B.26",
        2021,
        "places",
        60,
        "CUI-PEC",
        "60 CUI-PEC supplémentaires dans le secteur du grand âge et de l'aide à domicile",
        47,
        "Recrutements freinés par la crise sanitaire.",
    ),
    ("pole_emploi", "B.26", 2022, "places", 60, "CUI-PEC", "Reconduction des 60 CUI-PEC grand âge", 58, ""),
]
PYRENEES_ATLANTIQUES = [
    ("cd64", "Fiche 5", 2025, "etp", 1.5, "", "Chargés de mission animation du réseau des professionnels", 1.5, ""),
    (
        "cd64",
        "Fiche 5",
        2026,
        "heures",
        120,
        "",
        "Heures de formation-action à l'accompagnement pluridisciplinaire",
        84,
        "Quatre sessions sur six tenues.",
    ),
    (
        "cd64",
        "Fiche 2",
        2025,
        "euros",
        15000,
        "",
        "Diffusion du référentiel de l'accompagnement (conception, impression, webinaires)",
        12800,
        "",
    ),
    ("cd64", "Fiche 2", 2026, "euros", 10000, "", "Version 2 du référentiel et supports", None, ""),
]
PLANS = {"40": LANDES, "64": PYRENEES_ATLANTIQUES}


def programme_pilot(programme) -> Actor | None:
    membership = (
        Membership.objects.filter(
            role=Role.PROGRAMME_PILOT, organisation__departement_id=programme.departement_id, organisation__kind="cd"
        )
        .select_related("organisation", "user")
        .first()
    )
    return Actor(user=membership.user, membership=membership, memberships=(membership,)) if membership else None


def build(ctx, programme) -> None:
    actor = programme_pilot(programme)
    rows = PLANS.get(programme.departement_id, [])
    if actor is None or not rows:
        return
    today = timezone.localdate()
    created = 0
    for key, code, year, kind, quantity, unit, text, delivered, comment in rows:
        signatory = programme.signatories.filter(key=key).first()
        action = programme.actions.filter(code=code).first()
        if signatory is None or action is None or year > today.year:
            continue
        if SignatoryCommitment.objects.filter(signatory=signatory, action=action, year=year, kind=kind).exists():
            continue
        commitment = commitment_save(
            actor=actor,
            programme=programme,
            organisation=signatory.organisation,
            action=action,
            year=year,
            kind=kind,
            quantity=Decimal(str(quantity)),
            unit=unit,
            text=text,
        )
        created += 1
        if delivered is not None:
            commitment_account_record(
                actor=actor,
                commitment=commitment,
                delivered=Decimal(str(delivered)),
                comment=comment,
                reported_on=min(date(year + 1, 2, 15), today),
            )
    if created:
        ctx.log(f"  {created} engagements de signataires")
