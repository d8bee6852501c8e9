"""Consultations, their questions and the responses that come in.

The respondent journey and its models are built on top of the PEEL foundation; until then the app is
installed so that its place in the project, its URLs and its migrations have a home.
"""
