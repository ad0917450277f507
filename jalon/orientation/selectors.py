from datetime import date

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q
from django.utils import timezone

from jalon.accounts.models import User
from jalon.core.aggregates import actor_scope, kept
from jalon.core.enums import AuditCode, Role
from jalon.core.scoping import Actor, get_visible_or_404
from jalon.organisations.models import Membership
from jalon.orientation.enums import EXIT_END_REASON, OrientationType
from jalon.orientation.models import Dispositif, Orientation, ReferentAssignment
from jalon.people.enums import RightState
from jalon.people.models import Person
from jalon.people.selectors import person_view_record, persons_view_record


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def orientation_queue(
    *, actor: Actor, territory_id=None, role: str = "", min_age=None, max_age=None, min_months=None, today=None
):
    """People subject to rights and duties, with an open right and no current orientation — oldest waiting first,
    with the date their right was requested (the days elapsed are computed from it). Someone whose path an exit
    ended is out of the path, not waiting, until a new right is requested (or the exit is reopened)."""
    today = today or timezone.localdate()
    # Plain joins through the current, subject membership and its household's right (the importer keeps one
    # current household per person), and an anti-join on current orientations: cheap at 200 000 persons.
    qs = (
        Person.objects.visible_to(actor)
        .filter(
            household_links__left_on=None,
            household_links__subject_to_rights_and_duties=True,
            household_links__household__right__state__in=RightState.open_states(),
        )
        .exclude(Exists(Orientation.objects.current().filter(person=OuterRef("pk"))))
        .annotate(right_requested_on=F("household_links__household__right__request_date"))
        .exclude(
            Exists(
                Orientation.objects.filter(
                    person=OuterRef("pk"),
                    end_reason__startswith=EXIT_END_REASON,
                    ended_on__gte=OuterRef("right_requested_on"),
                )
            )
        )
    )
    if territory_id:
        qs = qs.filter(commune__territories=territory_id)
    if role:
        qs = qs.filter(household_links__role=role)
    if min_age is not None:
        qs = qs.filter(birth_date__lte=_years_ago(today, min_age))
    if max_age is not None:
        qs = qs.filter(birth_date__gt=_years_ago(today, max_age + 1))
    if min_months:
        qs = qs.filter(right_requested_on__lte=date.fromordinal(today.toordinal() - 30 * min_months))
    return qs.select_related("commune").order_by("right_requested_on", "pk")


def orientation_queue_count(*, actor: Actor, today=None, **filters) -> int:
    """The size of the queue as `orientation_queue` filters it: a count over the Département's people in the path,
    kept a few minutes per scope and filters (`jalon.core.aggregates`)."""
    today = today or timezone.localdate()
    return kept(
        "orientation_queue_count",
        (
            actor_scope(actor),
            today,
            sorted((name, value) for name, value in filters.items() if value not in (None, "")),
        ),
        lambda: orientation_queue(actor=actor, today=today, **filters).count(),
    )


QUEUE_EXPORT_HEADER = ["Nom", "Prénom", "Né(e) le", "Commune", "Demande du droit", "Attente (jours)"]


def orientation_queue_export(*, actor: Actor, today=None, **filters):
    """The queue as the screen filters it, every page at once, as rows (header first). One audit event names every
    person exported, recorded before the rows are streamed (a download cut short has still shown its first rows)."""
    today = today or timezone.localdate()
    qs = orientation_queue(actor=actor, today=today, **filters)
    persons_view_record(
        actor=actor,
        screen="export de la file des personnes à orienter",
        person_ids=qs.values_list("pk", flat=True),
        code=AuditCode.PERSON_SEARCHED,
        extra={"export": "personnes à orienter", **_described(filters)},
    )
    values = qs.values_list("last_name", "first_name", "birth_date", "commune__name", "city", "right_requested_on")

    def rows():
        yield QUEUE_EXPORT_HEADER
        for last_name, first_name, birth_date, commune, city, requested in values.iterator(chunk_size=2000):
            yield [
                last_name.upper(),
                first_name,
                f"{birth_date:%d/%m/%Y}",
                commune or city or "",
                f"{requested:%d/%m/%Y}" if requested else "",
                (today - requested).days if requested else "",
            ]

    return rows()


def _described(filters: dict) -> dict:
    """The filters an export was made with, as the audit log keeps them (plain values, the empty ones left out)."""
    return {name: value for name, value in filters.items() if value not in (None, "")}


def person_for_decision(*, actor: Actor, pk, screen: str) -> Person:
    """The person an orientation screen or endpoint works on; opening it is recorded in the audit log."""
    person = get_visible_or_404(Person.objects.visible_to(actor).select_related("commune"), pk=pk)
    person_view_record(actor=actor, person=person, screen=screen)
    return person


def orientation_history(*, person: Person):
    return Orientation.objects.filter(person=person).select_related("organisation", "referent", "dispositif")


def current_orientation(*, person: Person) -> Orientation | None:
    return orientation_history(person=person).current().first()


def dispositifs_for(*, departement_id):
    return (
        Dispositif.objects.filter(departement_id=departement_id, is_active=True)
        .prefetch_related("organisations")
        .order_by("name")
    )


def caseload(*, actor: Actor):
    """The people the signed-in référent follows, with their current orientation."""
    current = Orientation.objects.current().select_related("dispositif", "organisation")
    return (
        Person.objects.visible_to(actor)
        .filter(referent_assignments__referent=actor.user, referent_assignments__ended_on=None)
        .prefetch_related(Prefetch("orientations", queryset=current, to_attr="current_orientations"))
        .select_related("commune")
        .order_by("normalized_last_name", "normalized_first_name")
    )


CASELOAD_EXPORT_HEADER = ["Nom", "Prénom", "Né(e) le", "Commune", "Orientation", "Dispositif", "Orientée le"]


def caseload_export(*, actor: Actor):
    """The portfolio the screen lists, every page at once, as rows (header first), with each person's current
    orientation; one audit event names every person exported, recorded before streaming."""
    qs = caseload(actor=actor).prefetch_related(None)  # the orientation is joined below
    persons_view_record(
        actor=actor,
        screen="export du portefeuille",
        person_ids=qs.values_list("pk", flat=True),
        code=AuditCode.PERSON_SEARCHED,
        extra={"export": "portefeuille"},
    )
    # A person has at most one current orientation (orientation_one_current): the join adds no row.
    values = qs.annotate(
        current=FilteredRelation("orientations", condition=Q(orientations__ended_on=None))
    ).values_list(
        "last_name",
        "first_name",
        "birth_date",
        "commune__name",
        "current__orientation_type",
        "current__dispositif__name",
        "current__decided_on",
    )

    def rows():
        yield CASELOAD_EXPORT_HEADER
        for last_name, first_name, birth_date, commune, kind, dispositif, decided_on in values.iterator(
            chunk_size=2000
        ):
            yield [
                last_name.upper(),
                first_name,
                f"{birth_date:%d/%m/%Y}",
                commune or "",
                OrientationType(kind).label if kind else "",
                dispositif or "",
                f"{decided_on:%d/%m/%Y}" if decided_on else "",
            ]

    return rows()


def caseload_by_referent(*, actor: Actor):
    """People followed per référent of the actor's organisation (the manager's and administrator's view)."""
    return (
        ReferentAssignment.objects.current()
        .filter(organisation_id=actor.organisation_id)
        .values("referent__first_name", "referent__last_name", "referent_id")
        .annotate(people=Count("person_id"))
        .order_by("-people", "referent__last_name")
    )


def caseload_owner_or_404(*, actor: Actor, referent_pk) -> User:
    """A professional who follows people in the actor's organisation today — still a member or gone (a departure
    is when a portfolio is transferred)."""
    return get_visible_or_404(
        User.objects.filter(caseload__organisation_id=actor.organisation_id, caseload__ended_on=None).distinct(),
        pk=referent_pk,
    )


def transferable_caseload(*, actor: Actor, referent_id):
    """The people a professional follows in the actor's organisation, for a transfer."""
    return (
        Person.objects.filter(
            referent_assignments__organisation_id=actor.organisation_id,
            referent_assignments__referent_id=referent_id,
            referent_assignments__ended_on=None,
        )
        .select_related("commune")
        .order_by("normalized_last_name", "normalized_first_name", "pk")
    )


# Who may be a person's référent de parcours: not the pilots, analysts or managers of a structure.
REFERENT_ROLES = (Role.REFERENT, Role.ORIENTATION_OFFICER, Role.PARTNER)


def referent_choices(*, organisations) -> tuple[object, dict[int, list[int]]]:
    """The professionals who may follow a person in these structures, and the structures each may follow for (for
    a pick-list that follows the chosen structure)."""
    pairs = list(
        Membership.objects.active()
        .filter(organisation__in=organisations, role__in=REFERENT_ROLES)
        .values_list("user_id", "organisation_id")
    )
    by_user: dict[int, list[int]] = {}
    for user_id, organisation_id in pairs:
        by_user.setdefault(user_id, []).append(organisation_id)
    users = User.objects.filter(pk__in=by_user).order_by("last_name", "first_name", "pk")
    return users, by_user


def organisation_referents(*, organisation_id):
    """The organisation's active référents, for a pick-list."""
    return (
        User.objects.active()
        .filter(
            memberships__organisation_id=organisation_id,
            memberships__role=Role.REFERENT,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def referent_history(*, person: Person):
    return ReferentAssignment.objects.filter(person=person).select_related("referent", "organisation")
