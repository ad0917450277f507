from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jalon.core.enums import Role
from jalon.core.forms import add_service_errors
from jalon.core.scoping import NOT_FOUND_MESSAGE, Actor, require_departement_staff, require_roles
from jalon.intake.enums import DeclaredObstacle, EducationLevel, ProfessionalSituation
from jalon.orientation.enums import CriterionCondition
from jalon.orientation.interviews import engine, selectors, services
from jalon.orientation.interviews.forms import CriteriaTestForm, CriterionForm, InterviewForm


INTERVIEW_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR, Role.REFERENT)
DECISION_ROLES = (Role.ORIENTATION_OFFICER, Role.ADMINISTRATOR)


def _require_departement_admin(actor: Actor) -> None:
    """The criteria are the Département's policy: only the administrators of its own organisations set them."""
    if not (actor.is_departement_admin or actor.is_platform_admin) or actor.organisation is None:
        raise Http404(NOT_FOUND_MESSAGE)


def _criteria_url(criterion=None) -> str:
    url = reverse("orientation:criteria")
    return f"{url}#critere-{criterion.pk}" if criterion is not None else url


CODE_TABLES = [
    (CriterionCondition.OBSTACLE.label, DeclaredObstacle.choices),
    (CriterionCondition.PROFESSIONAL_SITUATION.label, ProfessionalSituation.choices),
    (CriterionCondition.EDUCATION_LEVEL.label, EducationLevel.choices),
]


def _test_proposal(actor: Actor, form: CriteriaTestForm):
    """The tester's proposal: a real person's facts (their DSP obstacles plus the ones ticked), or the
    situation described in the form."""
    data = form.cleaned_data
    departement_id = selectors.actor_departement_id(actor)
    criteria = engine.active_criteria(departement_id=departement_id)
    if data["person"]:
        person = selectors.person_for_test(actor=actor, pk=data["person"])
        dsp_obstacles = getattr(getattr(person, "dsp", None), "declared_obstacles", None) or []
        facts = engine.person_facts(person=person, obstacles=[*dsp_obstacles, *data["obstacles"]], needs=data["needs"])
        return engine.proposal_compute(criteria, facts), facts, person
    facts = form.facts()
    return engine.proposal_compute(criteria, facts), facts, None


@require_departement_staff(Role.ADMINISTRATOR)
def criteria_list(request):
    actor = request.actor
    _require_departement_admin(actor)
    criteria = list(selectors.criteria_list(actor=actor))
    for criterion in criteria:
        criterion.value_label = engine.criterion_value_label(criterion.condition, criterion.value)
    testing = "tester" in request.GET
    test_form = CriteriaTestForm(request.GET if testing else None)
    proposal = facts = tested_person = None
    if testing and test_form.is_valid():
        try:
            proposal, facts, tested_person = _test_proposal(actor, test_form)
        except ValidationError as error:
            add_service_errors(test_form, error)
    return render(
        request,
        "orientation/interviews/criteria_list.html",
        {
            "criteria": criteria,
            "test_form": test_form,
            "proposal": proposal,
            "facts_rows": engine.facts_rows(facts) if facts else None,
            "tested_person": tested_person,
            "code_tables": CODE_TABLES,
        },
    )


@require_departement_staff(Role.ADMINISTRATOR)
def criterion_create(request):
    actor = request.actor
    _require_departement_admin(actor)
    departement = actor.organisation.departement
    form = CriterionForm(request.POST or None, departement_id=departement.pk)
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.criterion_create(actor=actor, departement=departement, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Le critère « {criterion.reason} » est ajouté en fin de liste.")
            return redirect(_criteria_url(criterion))
    return render(request, "orientation/interviews/criterion_form.html", {"form": form})


@require_departement_staff(Role.ADMINISTRATOR)
def criterion_edit(request, pk):
    actor = request.actor
    _require_departement_admin(actor)
    criterion = selectors.criterion_for(actor=actor, pk=pk)
    form = CriterionForm(
        request.POST or None, initial=CriterionForm.initial_for(criterion), departement_id=criterion.departement_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(actor=actor, criterion=criterion, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Le critère « {criterion.reason} » est enregistré.")
            return redirect(_criteria_url(criterion))
    return render(request, "orientation/interviews/criterion_form.html", {"form": form, "criterion": criterion})


@require_departement_staff(Role.ADMINISTRATOR)
@require_POST
def criterion_move(request, pk):
    actor = request.actor
    _require_departement_admin(actor)
    criterion = selectors.criterion_for(actor=actor, pk=pk)
    try:
        services.criterion_move(actor=actor, criterion=criterion, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_criteria_url(criterion))


@require_departement_staff(Role.ADMINISTRATOR)
@require_POST
def criterion_toggle(request, pk):
    actor = request.actor
    _require_departement_admin(actor)
    criterion = selectors.criterion_for(actor=actor, pk=pk)
    is_active = request.POST.get("is_active") == "1"
    services.criterion_set_active(actor=actor, criterion=criterion, is_active=is_active)
    state = "réactivé" if is_active else "désactivé : la proposition l'ignore désormais"
    messages.success(request, f"Le critère « {criterion.reason} » est {state}.")
    return redirect(_criteria_url(criterion))


@require_departement_staff(Role.ADMINISTRATOR)
@require_POST
def criteria_defaults(request):
    actor = request.actor
    _require_departement_admin(actor)
    created = services.criteria_default_create(departement=actor.organisation.departement, actor=actor)
    if created:
        messages.success(request, f"{len(created)} critères par défaut sont créés : adaptez-les à votre politique.")
    else:
        messages.info(request, "Le département a déjà ses critères : rien n'a été ajouté.")
    return redirect("orientation:criteria")


@require_departement_staff(Role.ADMINISTRATOR)
@require_POST
def criteria_national(request):
    actor = request.actor
    _require_departement_admin(actor)
    result = services.criteria_national_load(departement=actor.organisation.departement, actor=actor)
    if result["created"]:
        deactivated = (
            f" ; vos {result['deactivated']} critères actifs sont désactivés (réactivez ceux que vous gardez)"
            if result["deactivated"]
            else ""
        )
        messages.success(request, f"{result['created']} critères nationaux sont chargés{deactivated}.")
    else:
        messages.info(request, "Les critères nationaux sont déjà chargés et actifs : rien n'a changé.")
    return redirect("orientation:criteria")


def _dsp_obstacles(person) -> list[str]:
    dsp = getattr(person, "dsp", None)
    return list(dsp.declared_obstacles or []) if dsp is not None else []


@require_roles(*INTERVIEW_ROLES)
def interview_new(request, person_pk):
    """The individual interview: what the person says, the shared diagnostic, and the proposal with its reasons,
    updated as the obstacles change (htmx), or on "Actualiser la proposition" without JavaScript."""
    actor = request.actor
    person = selectors.person_for_interview(actor=actor, pk=person_pk, view="entretien d'orientation")
    participant = None
    if request.GET.get("participant"):
        participant = selectors.participant_for_interview(actor=actor, person=person, pk=request.GET["participant"])
    form = InterviewForm(request.POST or None, initial={"obstacles": _dsp_obstacles(person)})
    obstacles, needs = form.initial["obstacles"], ""
    participant_error = ""
    if request.method == "GET" and participant is not None:
        try:
            services.interview_participant_check(person=person, participant=participant)
        except ValidationError as error:
            participant_error = " ".join(error.messages)  # said before the interview is filled in
    if request.method == "POST" and form.is_valid():
        obstacles, needs = form.cleaned_data["obstacles"], form.cleaned_data["needs"]
        if "preview" not in request.POST:
            try:
                interview = services.interview_record(
                    actor=actor, person=person, participant=participant, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"L'entretien de {person} est enregistré.")
                if actor.is_platform_admin or actor.has_role(*DECISION_ROLES):
                    return redirect(f"{reverse('orientation:decide', args=[person.pk])}?entretien={interview.pk}")
                return redirect("people:detail", pk=person.pk)
    proposal, facts = engine.orientation_proposal_with_facts(person=person, obstacles=obstacles, needs=needs)
    return render(
        request,
        "orientation/interviews/interview_form.html",
        {
            "form": form,
            "person": person,
            "participant": participant,
            "participant_error": participant_error,
            "proposal": proposal,
            "facts_rows": engine.facts_rows(facts),
        },
    )


@require_roles(*INTERVIEW_ROLES)
@require_POST
def interview_proposal(request, person_pk):
    """The proposal panel of the interview screen, recomputed from the form as it is filled (htmx)."""
    person = selectors.person_for_proposal(actor=request.actor, pk=person_pk)
    form = InterviewForm(request.POST)
    obstacles, needs = (form.cleaned_data["obstacles"], form.cleaned_data["needs"]) if form.is_valid() else ([], "")
    proposal, _ = engine.orientation_proposal_with_facts(person=person, obstacles=obstacles, needs=needs)
    return render(request, "orientation/interviews/_proposal.html", {"proposal": proposal})
