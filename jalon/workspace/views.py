from django.shortcuts import render
from django.utils import timezone

from jalon.core.scoping import require_roles
from jalon.workspace import calendar as agenda
from jalon.workspace.homes import home_summary, home_template


def home(request):
    actor = request.actor
    return render(request, home_template(actor), home_summary(actor=actor))


@require_roles(*agenda.CALENDAR_ROLES, partner_admin=True)
def calendar(request):
    """« Mon agenda »: a professional's sessions and appointments, week by week or month by month."""
    actor = request.actor
    today = timezone.localdate()
    period, input_error = agenda.period_from(
        week=request.GET.get("semaine", ""), month=request.GET.get("mois", ""), today=today
    )
    choices = agenda.calendar_choices(actor=actor)
    professional = agenda.calendar_owner(
        actor=actor, professional_id=request.GET.get("professionnel", ""), choices=choices
    )
    calendar = agenda.calendar_open(actor=actor, professional=professional, period=period, today=today)
    # Links keep the professional chosen; the actor's own calendar needs no parameter.
    keep = f"&professionnel={professional.pk}" if professional.pk != actor.user.pk else ""
    return render(
        request,
        "workspace/calendar.html",
        {
            "calendar": calendar,
            "period": period,
            "input_error": input_error,
            "choices": list(choices) if choices is not None else None,
            "professional": professional,
            "is_own": professional.pk == actor.user.pk,
            "keep": keep,
            "today_period": period.today(today),
            "other_view": period.other_view(today),
            "WEEK": agenda.WEEK,
        },
    )
