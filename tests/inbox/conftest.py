# The referral world of the offer's tests: a France Travail référent, a person, a partner association's service.
from tests.offer.conftest import mont_de_marsan  # noqa: F401
from tests.offer.referrals.conftest import world  # noqa: F401
