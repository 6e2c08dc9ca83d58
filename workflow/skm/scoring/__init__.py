"""Scoring: the IKM per PermenPANRB 14/2017 with exact fractions, the tables and the trend."""
