from django.urls import include, path


app_name = "offer"

# Each area of the offer has its own module; their URL names stay in the "offer" namespace.
urlpatterns = [
    path("", include("jalon.offer.directory.urls")),
    path("", include("jalon.offer.referrals.urls")),
    path("", include("jalon.offer.measures.urls")),
    path("", include("jalon.offer.plateaux.urls")),
]
