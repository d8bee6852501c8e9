"""The inspectorate's own pages this site points readers to for anything it does not hold."""

# Every force's PEEL reports, on HM Inspectorate of Constabulary and Fire & Rescue Services' site.
PEEL_ASSESSMENTS_URL = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/"
