"""The evaluation's blocks on the plan's pages (the programme room does not know the evaluation: its templates load
these tags): on a fiche, its evaluation framework in brief; on the plan, its référentiel or the lack of one. Shown to
those who read the evaluation only."""

from django import template

from jalon.evaluation import access, selectors


register = template.Library()


@register.inclusion_tag("evaluation/_action_block.html", takes_context=True)
def evaluation_block(context, action):
    actor = context["request"].actor
    if not access.may_read(actor):
        return {"shown": False}
    framework = selectors.framework_of(action.programme)
    sheet = selectors.sheet_of(action) if framework else None
    return {
        "shown": True,
        "action": action,
        "programme": action.programme,
        "framework": framework,
        "sheet": sheet,
        "questions": framework.questions.filter(action=action).count() if framework else 0,
        "next": sheet.schedule.pending().first() if sheet else None,
    }


@register.inclusion_tag("evaluation/_plan_block.html", takes_context=True)
def evaluation_plan_block(context, programme):
    actor = context["request"].actor
    if not access.may_read(actor):
        return {"shown": False}
    framework = selectors.framework_of(programme)
    return {
        "shown": True,
        "programme": programme,
        "framework": framework,
        "overview": selectors.plan_overview(framework=framework) if framework else None,
    }


@register.filter
def value_of(latest: dict, code: str):
    """The latest yearly value of an indicator in a {code: YearValue} mapping, or None."""
    return latest.get(code)
