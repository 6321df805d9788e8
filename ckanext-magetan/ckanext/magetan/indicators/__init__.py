"""The indikator: the portal's one dataset type (BPS MS-Ind metadata).

The schema itself is ``schemas/indikator.yaml``; this package holds its
validators, the redirect of the generic dataset form, the form's guidance
and the reason a failed search gives on the search pages (``search.py``).
"""
