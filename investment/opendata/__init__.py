"""Open data: the projects as an OC4IDS 0.9 project package (/api/v1/oc4ids/, manage.py export_oc4ids)."""
