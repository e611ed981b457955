"""Production runs over HTTP: ``staff`` and ``operations`` (``/api/admin/``), ``partner`` (``/api/partners/``).

Views parse input with a serializer, call one service, and render the result
with another serializer. Domain errors become 400/409 in ``config.errors``; a
partner's out-of-scope id is a 404 because every partner view fetches through
``production.selectors``.
"""
