from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed, manifest-named storage that also rewrites ES module imports.

    Django rewrites ``import ... from "..."`` only in .js files and only when asked. peel.mjs imports GOV.UK
    Frontend, so without this a new peel.<hash>.mjs could load a stale, unhashed govuk-frontend.min.js.
    (It leans on a private Django attribute: check it again when upgrading Django.)
    """

    support_js_module_import_aggregation = True
    patterns = CompressedManifestStaticFilesStorage.patterns + (
        ("*.mjs", CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns[1]),
    )
