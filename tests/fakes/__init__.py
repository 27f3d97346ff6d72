"""Test doubles for external services used by Relais."""
