"""OPDs (Organisasi Perangkat Daerah), the portal's organizations.

The schema is ``schemas/opd.yaml``; this package holds its validators.
"""
