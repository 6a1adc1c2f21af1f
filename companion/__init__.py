"""Shared decision-making companion for the temporary heart pump procedure.

Here at the top sit the foundations (config, models, content, i18n, audit, translation_checks),
which import no other module of the package except each other; discussions.py, the domain service
over them; and cli.py with demo.py, which may import anything. The features live in sub-packages:
web (what every page shares), record, patient and staff. Imports run one way, cli, demo,
patient | staff, record, web, discussions, foundations, and patient and staff never import each
other: the contracts are in pyproject.toml, and tests/test_architecture.py holds them.
"""
