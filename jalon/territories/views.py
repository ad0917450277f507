from django.shortcuts import render


def territory_list(request):
    return render(request, "core/error.html", {"title": "Territoires", "message": "", "status": 200})
