from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from jalon.core.enums import AuditCode
from jalon.core.exports import export_response
from jalon.core.forms import submitted_write
from jalon.core.scoping import NOT_FOUND_MESSAGE, get_visible_or_404
from jalon.core.services import audit_event_record
from jalon.notebook.person_space.views import person_required
from jalon.surveys import selectors, services
from jalon.surveys.access import require_manager, require_paper_entry
from jalon.surveys.enums import QuestionKind, TextReview
from jalon.surveys.forms import CampaignForm, QuestionForm, QuestionnaireForm, ResultsFilterForm, answers_from_post
from jalon.surveys.models import Invitation, Question


def _today():
    return timezone.localdate()


def _errors(error: ValidationError) -> dict:
    """A service's refusal as {field name: message}, for the hand-built answering forms."""
    if hasattr(error, "error_dict"):
        return {key: " ".join(ValidationError(value).messages) for key, value in error.error_dict.items()}
    return {"__all__": " ".join(error.messages)}


# --- The pilot's screens ---------------------------------------------------------------------------------------


@require_manager
def home(request):
    actor = request.actor
    campaigns = Paginator(selectors.campaigns_for(actor=actor), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/home.html",
        {
            "page_obj": campaigns,
            "questionnaires": selectors.questionnaires_for(actor=actor).prefetch_related("versions"),
            "today": _today(),
        },
    )


@require_manager
def questionnaire_create(request):
    form = QuestionnaireForm(request.POST or None)
    written = submitted_write(request, form, lambda data: services.questionnaire_create(actor=request.actor, **data))
    if written:
        messages.success(request, "Le questionnaire est créé : ajoutez ses questions.")
        return redirect("surveys:questionnaire", pk=written.result.pk)
    return render(request, "surveys/form.html", {"form": form, "title": "Nouveau questionnaire"})


@require_manager
def questionnaire(request, pk):
    item = selectors.questionnaire_for(actor=request.actor, pk=pk)
    versions = list(item.versions.prefetch_related("questions", "campaigns"))
    return render(
        request,
        "surveys/questionnaire.html",
        {"questionnaire": item, "version": versions[0], "versions": versions},
    )


def _question_form(request, item, question=None):
    version = item.current_version
    earlier = version.questions.filter(kind__in=("choix_unique", "choix_multiple", "echelle"))
    if question is not None:
        earlier = earlier.filter(position__lt=question.position)
    initial = {}
    if question is not None:
        initial = {
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "choices": "\n".join(question.choices),
            "required": question.required,
            "condition_question": question.condition_question_id,
            "condition_choices": "\n".join(question.condition_choices),
            "is_satisfaction": question.is_satisfaction,
            "satisfied_choices": "\n".join(question.satisfied_choices),
        }
    form = QuestionForm(request.POST or None, initial=initial, earlier=earlier)
    written = submitted_write(
        request,
        form,
        lambda data: services.question_save(actor=request.actor, questionnaire=item, question=question, **data),
    )
    if written:
        messages.success(request, "La question est enregistrée.")
        return redirect("surveys:questionnaire", pk=item.pk)
    title = "Nouvelle question" if question is None else f"Question {question.position}"
    note = ""
    if version.frozen:
        note = (
            "Cette version est utilisée par une campagne : l'enregistrement crée une nouvelle version ; "
            "les campagnes lancées gardent leurs questions."
        )
    return render(request, "surveys/form.html", {"form": form, "title": title, "questionnaire": item, "note": note})


@require_manager
def question_create(request, pk):
    item = selectors.questionnaire_for(actor=request.actor, pk=pk)
    return _question_form(request, item)


@require_manager
def question_update(request, pk, question_pk):
    item = selectors.questionnaire_for(actor=request.actor, pk=pk)
    question = get_visible_or_404(Question.objects.filter(version=item.current_version), pk=question_pk)
    return _question_form(request, item, question)


@require_manager
@require_POST
def question_remove(request, pk, question_pk):
    item = selectors.questionnaire_for(actor=request.actor, pk=pk)
    question = get_visible_or_404(Question.objects.filter(version=item.current_version), pk=question_pk)
    try:
        services.question_remove(actor=request.actor, questionnaire=item, question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "La question est retirée.")
    return redirect("surveys:questionnaire", pk=item.pk)


def _satisfaction_indicators():
    from jalon.observatory.models import Indicator

    return Indicator.objects.filter(source="saisi", wording__icontains="satisf").order_by("position")


@require_manager
def campaign_create(request, pk):
    item = selectors.questionnaire_for(actor=request.actor, pk=pk)
    form = CampaignForm(
        request.POST or None,
        indicators=_satisfaction_indicators(),
        initial={"threshold": services.default_threshold(), "remind_after_days": 7},
    )
    written = submitted_write(
        request,
        form,
        lambda data: services.campaign_launch(actor=request.actor, questionnaire=item, today=_today(), **data),
    )
    if written:
        launch = written.result
        messages.success(
            request,
            f"La campagne est lancée : {launch.sent + launch.space_only} invitations, dont {launch.sent} "
            f"envoyées par SMS ou e-mail et {launch.space_only} dans l'espace personnel seulement.",
        )
        return redirect("surveys:campaign", pk=launch.campaign.pk)
    return render(
        request,
        "surveys/form.html",
        {"form": form, "title": f"Nouvelle campagne : {item.title}", "questionnaire": item},
    )


@require_manager
def campaign(request, pk):
    item = selectors.campaign_for(actor=request.actor, pk=pk)
    channel, territory = request.GET.get("canal", ""), request.GET.get("territoire", "")
    results = selectors.campaign_results(campaign=item, channel=channel, territory=territory)
    filters = ResultsFilterForm(request.GET or None, filters=results.filters)
    return render(
        request,
        "surveys/campaign.html",
        {
            "campaign": item,
            "results": results,
            "filters": filters,
            "today": _today(),
            "pending": selectors.pending_texts(campaign=item).filter(review=TextReview.PENDING).count(),
            "query": request.GET.urlencode(),
        },
    )


@require_manager
def campaign_export(request, pk):
    item = selectors.campaign_for(actor=request.actor, pk=pk)
    results = selectors.campaign_results(
        campaign=item, channel=request.GET.get("canal", ""), territory=request.GET.get("territoire", "")
    )
    audit_event_record(
        code=AuditCode.SURVEY_RESULTS_EXPORTED,
        actor=request.user,
        organisation=request.actor.organisation,
        subject=item,
        extra={"filter": results.filter_label},
    )
    if results.hidden:
        rows = [["Résultats"], [selectors.TOO_FEW]]
    else:
        rows = selectors.results_rows(results)
    return export_response(request, rows, f"enquete-{item.pk}-resultats.csv")


@require_manager
@require_POST
def campaign_close(request, pk):
    item = selectors.campaign_for(actor=request.actor, pk=pk)
    try:
        services.campaign_close(actor=request.actor, campaign=item, today=_today())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "La campagne est clôturée : plus personne ne peut y répondre.")
    return redirect("surveys:campaign", pk=pk)


@require_manager
@require_POST
def campaign_report(request, pk):
    item = selectors.campaign_for(actor=request.actor, pk=pk)
    try:
        entry = services.satisfaction_report(actor=request.actor, campaign=item, today=_today())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"La satisfaction ({entry.value:g} %) est reportée dans l'observatoire ({item.indicator.code}), "
            "en brouillon à soumettre.",
        )
    return redirect("surveys:campaign", pk=pk)


@require_manager
def texts(request, pk):
    item = selectors.campaign_for(actor=request.actor, pk=pk)
    answers = Paginator(selectors.pending_texts(campaign=item), 30).get_page(request.GET.get("page"))
    return render(request, "surveys/texts.html", {"campaign": item, "page_obj": answers})


@require_manager
@require_POST
def text_review(request, pk, answer_pk):
    item = selectors.campaign_for(actor=request.actor, pk=pk)
    answer = selectors.text_answer_for(actor=request.actor, campaign=item, pk=answer_pk)
    decision = request.POST.get("decision")
    if decision not in ("publier", "ecarter"):
        messages.error(request, "Choisissez de publier ou d'écarter la réponse.")
    else:
        services.text_review(actor=request.actor, answer=answer, approve=decision == "publier")
        messages.success(request, "La réponse est publiable." if decision == "publier" else "La réponse est écartée.")
    return redirect("surveys:texts", pk=pk)


# --- Paper questionnaires ----------------------------------------------------------------------------------------


@require_paper_entry
def paper_list(request):
    campaigns = selectors.open_campaigns(actor=request.actor, today=_today())
    return render(request, "surveys/paper_list.html", {"campaigns": campaigns})


@require_paper_entry
def paper_entry(request, pk):
    item = get_visible_or_404(selectors.open_campaigns(actor=request.actor, today=_today()), pk=pk)
    from jalon.territories.models import Territory

    territories = Territory.objects.in_departement(item.departement_id).order_by("name")
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        values = answers_from_post(item.version, request.POST)
        territory_pk = request.POST.get("territory", "")
        territory = territories.filter(pk=territory_pk).first() if territory_pk.isdigit() else None
        try:
            services.paper_response_enter(
                actor=request.actor, campaign=item, answers=values, territory=territory, today=_today()
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, "Le questionnaire papier est enregistré. Vous pouvez saisir le suivant.")
            return redirect("surveys:paper_entry", pk=pk)
    return render(
        request,
        "surveys/paper_entry.html",
        {
            "campaign": item,
            "questions": _questions(item.version, values, errors),
            "errors": errors,
            "territories": territories,
        },
    )


def _questions(version, values: dict, errors: dict) -> list[dict]:
    result = []
    for question in version.questions.order_by("position").select_related("condition_question"):
        value = values.get(question.pk)
        selected = value if isinstance(value, list) else ([value] if value else [])
        result.append(
            {
                "question": question,
                "name": f"q{question.pk}",
                "selected": selected,
                "text": value if question.kind == QuestionKind.TEXT else "",
                "error": errors.get(f"q{question.pk}", ""),
                "multiple": question.kind == QuestionKind.MULTIPLE,
                "is_text": question.kind == QuestionKind.TEXT,
            }
        )
    return result


# --- The person's answering page (no login) ---------------------------------------------------------------------


@login_not_required
@cache_control(no_store=True, private=True)
def answer(request, token):
    """The single-use link: the questions in plain French, one per block. A used link thanks; a closed campaign
    says so; an unknown link is a missing page."""
    invitation = services.invitation_for_token(token)
    campaign = invitation.campaign
    today = _today()
    from_space = request.GET.get("depuis") == "espace"
    if invitation.used:
        return render(request, "surveys/answer_done.html", {"campaign": campaign, "already": True})
    if campaign.is_over(today) or today < campaign.opens_on:
        try:
            services.check_open(campaign, today)
        except ValidationError as error:
            return render(request, "surveys/answer_closed.html", {"campaign": campaign, "reason": error.messages[0]})
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        values = answers_from_post(campaign.version, request.POST)
        try:
            services.response_submit(token=token, answers=values, today=today, from_space=from_space)
        except ValidationError as error:
            errors = _errors(error)
        else:
            return render(request, "surveys/answer_done.html", {"campaign": campaign, "already": False})
    return render(
        request,
        "surveys/answer.html",
        {"campaign": campaign, "questions": _questions(campaign.version, values, errors), "errors": errors},
    )


@person_required
@require_POST
def space_start(request, pk):
    """From the person's space: a fresh single-use link for their own invitation, then the questions."""
    invitation = Invitation.objects.filter(pk=pk, person=request.person, used=False).first()
    if invitation is None:
        raise Http404(NOT_FOUND_MESSAGE)
    token = services.link_for_person(invitation=invitation)
    return redirect(reverse("surveys:answer", args=[token]) + "?depuis=espace")
