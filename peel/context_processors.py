from peel.inspectorate import PEEL_ASSESSMENTS_URL

# The service navigation: (section, label, URL name). A view marks its section with ``nav_section``.
NAVIGATION = [
    ("home", "Home", "home"),
    ("forces", "Police forces", "forces:force-list"),
    ("years", "PEEL years", "inspections:year-list"),
    ("compare", "Compare forces", "inspections:compare"),
    ("consultations", "Consultations", "consultations:consultation-list"),
]


def navigation(request):
    return {"navigation": NAVIGATION, "inspectorate_url": PEEL_ASSESSMENTS_URL}
