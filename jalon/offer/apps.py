from django.apps import AppConfig


class OfferConfig(AppConfig):
    name = "jalon.offer"
    verbose_name = "offre d'insertion"

    def ready(self):
        # Registers the `has_any` lookup on JSONField.
        # Where the inbox's notifications of referrals lead, and whether the reader still reaches it.
        from jalon.employers.links import link_on_addition
        from jalon.inbox.targets import target_check_register
        from jalon.offer import lookups  # noqa: F401
        from jalon.offer.measures.models import Measure
        from jalon.offer.referrals.selectors import referrals_visible_to

        target_check_register(
            "offer:referral_detail",
            lambda actor, kwargs: referrals_visible_to(actor).filter(pk=kwargs["pk"]).exists(),
        )
        link_on_addition(Measure, "person__departement_id")
