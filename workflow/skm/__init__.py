"""SKM pipeline: scoring, validation, figures and documents for PermenPANRB 14/2017 surveys."""

__version__ = "0.1.0"
