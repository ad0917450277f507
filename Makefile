# The two commands of the README: `make run` and `make test`. Everything else is for developers.
.PHONY: run test lint fix lock bench

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash -c 'source scripts/lib.sh && ensure_venv requirements/dev.txt'
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/djlint --lint jalon/
	.venv/bin/lint-imports --no-cache
	.venv/bin/mypy jalon
	DJANGO_SETTINGS_MODULE=jalon.settings.test .venv/bin/python manage.py makemigrations --check --dry-run

fix:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Re-pin dependencies after editing pyproject.toml.
lock:
	.venv/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -q -o requirements/base.txt
	.venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -q -o requirements/dev.txt
