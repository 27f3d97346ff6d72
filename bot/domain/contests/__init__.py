"""Contests (jeux concours): reading answers and drawing winners."""
