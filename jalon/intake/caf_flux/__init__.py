"""CAF/MSA "flux bénéficiaires RSA" (vrsb0801): streaming parser, synthetic file generator, labels of codes.

Pure Python + lxml (+ Faker for the generator): importable without Django.
"""
