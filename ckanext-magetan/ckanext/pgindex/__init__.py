"""ckanext-pgindex: CKAN's dataset search on PostgreSQL, with no Solr.

A plugin of its own (``pgindex``), usable by any CKAN 2.12 site; see
docs/pgindex.md.
"""
