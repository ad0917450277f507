def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "cog_data: reads the COG data of node_modules/@etalab/decoupage-administratif (installed by `npm ci`)",
    )
