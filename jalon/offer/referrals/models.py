"""The referrals (prescriptions) from a carnet to a service of the offer; imported by `jalon.offer.models`."""
