from django.core.management.base import BaseCommand, CommandError

from jalon.people.models import Household, Person
from jalon.territories.geocoding import BanGeocoder, GeocodingError, addresses_geocode


class Command(BaseCommand):
    help = (
        "Géocode avec la Base Adresse Nationale les adresses des personnes et des foyers nouvelles ou modifiées "
        "depuis le dernier passage (pour la recherche de l'offre à distance de l'adresse). Seules l'adresse, le code "
        "postal, la ville et le code INSEE de la commune sont envoyés. Relançable : une adresse déjà géocodée, ou que "
        "la BAN n'a pas su situer, n'est renvoyée que si elle change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departement", metavar="CODE", help="ne géocoder que ce département, par exemple : 40")
        parser.add_argument("--limit", type=int, metavar="N", help="envoyer au plus N adresses (essai)")
        parser.add_argument("--batch-size", type=int, default=1000, metavar="N", help="adresses par envoi (1000)")

    def handle(self, *args, **options):
        geocoder = BanGeocoder.from_settings()
        if geocoder is None:
            raise CommandError(
                "Géocodage désactivé : renseignez JALON_GEOCODER_URL (https://api-adresse.data.gouv.fr, ou l'adresse "
                "du serveur addok du Département)."
            )
        if options["batch_size"] < 1 or (options["limit"] is not None and options["limit"] < 0):
            raise CommandError("--batch-size doit être positif et --limit ne peut pas être négatif.")
        show = options["verbosity"] > 0
        limit = options["limit"]
        for label, queryset in (
            ("Personnes", Person.objects.active()),
            ("Foyers", Household.objects.all()),
        ):
            if options["departement"]:
                queryset = queryset.filter(departement_id=options["departement"])
            try:
                counts = addresses_geocode(
                    queryset, geocoder=geocoder, batch_size=options["batch_size"], limit=limit, progress=show
                )
            except GeocodingError as exc:
                raise CommandError(f"Géocodage interrompu ({label.lower()}) : {exc}") from exc
            if limit is not None:
                limit -= counts["sent"]
            if show:
                line = (
                    f"{label} : {counts['sent']} adresses envoyées, {counts['placed']} situées, "
                    f"{counts['not_placed']} non situées"
                )
                if counts["cleared"]:
                    line += f", {counts['cleared']} coordonnées effacées (plus d'adresse)"
                self.stdout.write(line + ".")
