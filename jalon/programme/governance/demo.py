"""The demo's governance, through the services: for the Pyrénées-Atlantiques plan (in force), two COPIL (the
latest with three decisions: one done, one due soon, one late), a COTECH held and one to come, a CTP; for the
Landes plan (over since 2025), a comité des financeurs of 2024 with its minutes and a decision the CAF owes. The
monthly internal points of the Pyrénées-Atlantiques are left without a meeting: late, so the reminder shows.
Dates follow today, so that « due soon » stays true; nothing is written twice."""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from jalon.core.enums import Role
from jalon.core.scoping import Actor
from jalon.organisations.models import Membership
from jalon.programme.governance import services
from jalon.programme.governance.enums import AttendanceStatus
from jalon.programme.governance.models import Meeting
from jalon.programme.models import Programme


def _actor(ctx) -> Actor | None:
    membership = Membership.objects.filter(
        user=ctx.users.get("pilote"), organisation=ctx.organisations.get("cd"), role=Role.PROGRAMME_PILOT
    ).first()
    return Actor(user=membership.user, membership=membership) if membership else None


def _attendance(body, excused: int = 0) -> dict[int, str]:
    members = list(body.members.order_by("name").values_list("pk", flat=True))
    return {
        pk: AttendanceStatus.EXCUSED if index < excused else AttendanceStatus.PRESENT
        for index, pk in enumerate(members)
    }


def _action(programme, number):
    return programme.actions.filter(number=number).first()


def build(ctx) -> None:
    programme = Programme.objects.filter(departement=ctx.departement).order_by("-end").first()
    actor = _actor(ctx)
    if programme is None or actor is None or Meeting.objects.of_programme(programme).exists():
        return
    today = timezone.localdate()
    if programme.start <= today <= programme.end:
        _build_current(programme, actor, today)
    else:
        _build_history(programme, actor)
    ctx.log(f"  instances : {Meeting.objects.of_programme(programme).count()} réunions")


def _build_current(programme: Programme, actor: Actor, today: date) -> None:
    bodies = {body.code: body for body in programme.bodies.all()}
    pilot_user = actor.user
    copil, cotech, ctp = bodies.get("copil"), bodies.get("cotech"), bodies.get("ctp")
    signatory = {s.organisation.kind: s.organisation for s in programme.signatories.select_related("organisation")}
    if copil:
        services.meeting_record(
            actor=actor,
            body=copil,
            held_on=max(programme.start, today - timedelta(days=420)),
            place="Hôtel du Département, Pau",
            agenda=[
                ("Lancement du PDI/PTI et installation des instances", None),
                ("Feuille de route de la fiche 1", _action(programme, 1)),
            ],
            attendance=_attendance(copil),
            minutes="Le COPIL installe les instances du plan et valide la feuille de route de l'année.",
        )
        meeting = services.meeting_record(
            actor=actor,
            body=copil,
            held_on=today - timedelta(days=40),
            place="Hôtel du Département, Pau",
            remote=True,
            agenda=[
                ("Bilan d'étape du plan", None),
                ("Achat de l'offre par SDSEI (fiche 4)", _action(programme, 4)),
                ("Animation des professionnels (fiche 5)", _action(programme, 5)),
            ],
            attendance=_attendance(copil, excused=1),
            minutes="Bilan d'étape présenté ; trois décisions retenues, suivies au prochain COPIL.",
        )
        done = services.decision_record(
            actor=actor,
            meeting=meeting,
            text="Diffuser le bilan d'étape à tous les signataires.",
            owner_user=pilot_user,
            due_on=today - timedelta(days=20),
        )
        services.decision_mark_done(
            actor=actor, decision=done, follow_up="Bilan envoyé par courriel aux signataires.", today=today
        )
        services.decision_record(
            actor=actor,
            meeting=meeting,
            text="Présenter le calendrier des marchés d'insertion par SDSEI au prochain COTECH.",
            owner_user=pilot_user,
            due_on=today + timedelta(days=12),
        )
        services.decision_record(
            actor=actor,
            meeting=meeting,
            text="Transmettre les données de sorties en emploi du premier semestre.",
            owner_organisation=signatory.get("france_travail") or signatory.get("caf"),
            owner_user=None if (signatory.get("france_travail") or signatory.get("caf")) else pilot_user,
            due_on=today - timedelta(days=8),
        )
    if cotech:
        services.meeting_record(
            actor=actor,
            body=cotech,
            held_on=today - timedelta(days=70),
            place="Direction de la politique insertion, Pau",
            agenda=[("Préparation du COPIL", None), ("Indicateurs de la fiche 2", _action(programme, 2))],
            attendance=_attendance(cotech),
        )
        services.meeting_record(
            actor=actor,
            body=cotech,
            held_on=min(programme.end, today + timedelta(days=21)),
            remote=True,
            agenda=[("Calendrier des marchés d'insertion", _action(programme, 4))],
        )
    if ctp:
        services.meeting_record(
            actor=actor,
            body=ctp,
            held_on=today - timedelta(days=20),
            place="SDSEI Pau agglomération",
            agenda=[("Parcours des bénéficiaires du territoire", None)],
            attendance=_attendance(ctp),
        )


def _build_history(programme: Programme, actor: Actor) -> None:
    body = programme.bodies.filter(kind="comite_financeurs").first()
    if body is None or not programme.start <= date(2024, 3, 14) <= programme.end:
        return
    caf = programme.signatories.filter(organisation__kind="caf").select_related("organisation").first()
    meeting = services.meeting_record(
        actor=actor,
        body=body,
        held_on=date(2024, 3, 14),
        place="Conseil départemental des Landes, Mont-de-Marsan",
        agenda=[
            ("Programmation des crédits 2024", None),
            ("Recueil DSP simplifié (action 1)", _action(programme, 1)),
        ],
        attendance=_attendance(body, excused=1),
        minutes="Le comité arrête la programmation 2024 et demande un état des cofinancements CAF.",
    )
    services.decision_record(
        actor=actor,
        meeting=meeting,
        text="Transmettre l'état des cofinancements CAF 2024.",
        owner_organisation=caf.organisation if caf else None,
        owner_user=None if caf else actor.user,
        due_on=date(2024, 6, 30),
    )
    services.meeting_document_add(
        actor=actor,
        meeting=meeting,
        kind="compte_rendu",
        file=ContentFile(
            b"%PDF-1.4\n% Compte rendu du comite des financeurs du 14 mars 2024 (demonstration)\n%%EOF\n",
            name="compte-rendu-comite-financeurs-2024-03-14.pdf",
        ),
    )
