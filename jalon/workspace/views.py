from django.shortcuts import render

from jalon.workspace.homes import home_summary, home_template


def home(request):
    actor = request.actor
    return render(request, home_template(actor), home_summary(actor=actor))
