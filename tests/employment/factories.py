"""Employment objects about one person, for the shared worlds of the access matrix and the audit coverage."""

import datetime

from django.utils import timezone

from jalon.employment.services import (
    job_offer_publish,
    positioning_advance,
    positioning_create,
    training_outcome_record,
    training_record,
)
from jalon.notebook.models import Notebook
from jalon.offer.measures.models import Measure, MeasureKind


SIRET = "73282932000074"


def employment_objects(*, publisher, referent, person, commune, appellation) -> dict:
    """An open offer the person is positioned on (« proposée »), a second one she was hired on (an exit proposed),
    a training under way and a qualifying one completed (an exit proposed), a PEC contract ended (an exit to
    examine)."""
    today = timezone.localdate()

    def offer(title):
        return job_offer_publish(
            actor=publisher,
            employer_name="Conserverie des Landes",
            employer_siret=SIRET,
            employer_commune=commune,
            appellation=appellation,
            title=title,
            contract="cdi",
            weekly_hours=35,
            commune=commune,
            published_on=today,
            positions=3,
        )

    job_offer = offer("Offre du monde de test")
    positioning = positioning_create(actor=referent, offer=job_offer, person=person)
    hire = positioning_create(actor=referent, offer=offer("Offre pourvue"), person=person)
    for status in ("candidature", "entretien", "embauche"):
        hire = positioning_advance(actor=referent, positioning=hire, status=status, on=today)

    def training(title):
        return training_record(
            actor=referent,
            person=person,
            provider="AFPA",
            title=title,
            certifying=True,
            level="3",
            starts_on=today,
            funding="region",
        )

    done = training_outcome_record(
        actor=referent, training=training("Titre professionnel cariste"), outcome="certifiee", outcome_on=today
    )
    # A PEC contract that ended ten days ago: the exit it may lead to is to examine.
    measure_ended = Measure.objects.create(
        notebook=Notebook.objects.get_or_create(person=person)[0],
        person=person,
        kind=MeasureKind.PEC,
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today - datetime.timedelta(days=10),
        weekly_hours=26,
        employer_name="Mairie de Mont-de-Marsan",
        organisation=referent.organisation,
    )
    return {
        "measure_ended": measure_ended,
        "job_offer": job_offer,
        "positioning": positioning,
        "hire": hire,
        "training": training("Titre professionnel préparateur de commandes"),
        "training_done": done,
    }
