"""The portal's defences at the edge, for every view and action.

* ``csrf``: the CSRF check, decided per request (CKAN's exemption of a view
  reached with an API token would last for the whole process);
* ``bodies``: requests CKAN mishandles are refused before any view reads
  them: API JSON nested too deeply (Python's JSON decoder would raise
  RecursionError), NUL characters or lone surrogates anywhere in a request,
  an API action's ``id`` or ``name`` that is not text;
* ``actions``: datasets, resources, sectors, OPDs and users are refused
  with a validation error when a value holds a NUL character (PostgreSQL
  refuses those in text) or nests too deeply, instead of a server error.

See docs/architecture.md, "Security".
"""
