"""The texts of the procedure's letters (subject, body, SMS). The letter itself is the messaging's: a message
sent by "courrier" is printed as a PDF (`jalon.messaging.letters.letter_pdf`) from this text."""

from jalon.core.pdf import date_in_words
from jalon.duties.enums import Rank


LEGAL_BASIS = (
    "Articles L262-28, L262-35 et L262-37 du code de l'action sociale et des familles, dans leur rédaction issue "
    "de la loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi ; décret n° 2025-478 du 30 mai 2025 relatif "
    "aux sanctions applicables en cas de manquement aux obligations."
)

RECOURSE_NOTICE = (
    "Voies de recours : vous pouvez contester cette décision par un recours administratif auprès du président du "
    "conseil départemental dans un délai de deux mois à compter de sa notification (article L262-47 du code de "
    "l'action sociale et des familles). Ce recours préalable est obligatoire avant toute saisine du tribunal "
    "administratif, qui peut ensuite être saisi dans un délai de deux mois, y compris par l'application "
    "Télérecours citoyens (www.telerecours.fr)."
)

PERSONAL_DATA_NOTICE = (
    "Vos données sont traitées par le Département pour la gestion de votre parcours d'insertion. Vous pouvez "
    "accéder à votre dossier et demander la rectification des informations qui vous concernent auprès de votre "
    "référent ou du Département."
)


def _bounds_text(bounds, rank: str) -> str:
    min_rate, max_rate, min_months, max_months = bounds.bounds(rank)
    return (
        f"une suspension de {min_rate} % à {max_rate} % du montant de votre RSA pendant {min_months} à "
        f"{max_months} mois (plafonnée à {bounds.household_cap_rate} % si votre foyer compte plus d'une personne)"
    )


def _join(*paragraphs: str) -> str:
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def invitation(*, failure, bounds) -> tuple[str, str, str]:
    due = date_in_words(failure.answer_due_on)
    rank = "un premier manquement" if failure.rank == Rank.FIRST else "un nouveau manquement"
    subject = "Manquement à vos engagements : vous pouvez présenter vos observations"
    body = _join(
        "Madame, Monsieur,",
        f"Le {date_in_words(failure.occurred_on)}, {failure.organisation} a constaté {rank} à vos engagements : "
        f"{failure.get_duty_display()}.",
        f"Éléments constatés : {failure.evidence_text}",
        "Avant toute décision, vous pouvez présenter vos observations, par écrit ou lors d'un entretien, en vous "
        f"faisant assister de la personne de votre choix, au plus tard le {due}. Si vous aviez un motif légitime "
        "(santé, garde d'enfant, transport, démarche urgente…), indiquez-le avec, si possible, un justificatif : "
        "la procédure sera alors close sans sanction.",
        "Sans motif légitime, le président du conseil départemental pourra décider "
        f"{_bounds_text(bounds, failure.rank)}. "
        "Les sommes suspendues vous seront reversées si vous reprenez vos engagements pendant la suspension ; à "
        "défaut, elles seront définitivement perdues.",
        f"Aucune décision ne sera prise avant le {due} si vous ne nous avez pas répondu.",
        LEGAL_BASIS,
        PERSONAL_DATA_NOTICE,
    )
    sms = (
        "Le Département vous a adressé un courrier sur un manquement à vos engagements RSA. "
        f"Vous pouvez présenter vos observations jusqu'au {failure.answer_due_on:%d/%m/%Y}."
    )
    return subject, body, sms


def notification(*, decision) -> tuple[str, str, str]:
    failure = decision.failure
    period = (
        f"{decision.rate} % du montant de votre revenu de solidarité active pendant {decision.months} mois, du "
        f"{date_in_words(decision.starts_on)} au {date_in_words(decision.ends_on)}"
    )
    if decision.nature == "suspension":
        subject = "Décision de suspension-remobilisation de votre RSA"
        what = f"de suspendre {period}"
        after = (
            "Si vous reprenez vos engagements pendant cette période (rendez-vous avec votre référent, signature ou "
            "actualisation de votre contrat d'engagement, reprise de vos activités), les sommes suspendues vous "
            "seront reversées. À défaut, elles seront définitivement perdues."
        )
    else:
        subject = "Décision de suppression partielle ou totale de votre RSA"
        what = f"de supprimer {period}"
        after = "Les sommes supprimées ne vous seront pas reversées."
    observations = (
        f"Vos observations du {date_in_words(failure.answered_on)} ont été examinées."
        if failure.answered_on
        else "Vous n'avez pas présenté d'observations dans le délai qui vous était ouvert (jusqu'au "
        f"{date_in_words(failure.answer_due_on)})."
    )
    epl = ""
    if decision.epl_meeting_id or decision.epl_opinion:
        epl = "L'équipe pluridisciplinaire a été consultée" + (
            f" : {decision.epl_opinion}" if decision.epl_opinion else "."
        )
    body = _join(
        "Madame, Monsieur,",
        f"À la suite du manquement constaté le {date_in_words(failure.occurred_on)} ({failure.get_duty_display()}), "
        f"vous avez été invité(e) le {date_in_words(failure.invited_on)} à présenter vos observations. {observations}",
        epl,
        f"Le président du conseil départemental a décidé {what}.",
        f"Motifs : {decision.reasons}",
        after,
        "Cette décision est transmise à votre caisse d'allocations familiales ou de mutualité sociale agricole, qui "
        "l'applique à vos versements.",
        RECOURSE_NOTICE,
        LEGAL_BASIS,
    )
    sms = (
        f"Le Département vous a adressé la décision prise sur votre RSA (effet le {decision.starts_on:%d/%m/%Y}). "
        "Contactez votre référent pour reprendre vos engagements."
    )
    return subject, body, sms


def reversal(*, decision) -> tuple[str, str, str]:
    subject = "Remobilisation : les sommes suspendues de votre RSA vous sont reversées"
    body = _join(
        "Madame, Monsieur,",
        f"Vous avez repris vos engagements le {date_in_words(decision.remobilised_on)}, pendant la suspension "
        f"décidée le {date_in_words(decision.decided_on)}.",
        "Le président du conseil départemental met fin à la suspension : les sommes suspendues vous seront "
        "reversées par votre caisse d'allocations familiales ou de mutualité sociale agricole.",
        LEGAL_BASIS,
    )
    sms = "Vous avez repris vos engagements : les sommes suspendues de votre RSA vous seront reversées."
    return subject, body, sms
