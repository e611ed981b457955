"""``INSERT ... SELECT`` through the ORM: rows written by the database from a query, with no Python object per row.

Placing an order writes a run per line item; ``bulk_create`` built, adapted and escaped every one of them in
Python (model instances for the lines, their products, variants and designs, then the runs, their activities and
the arrays of their JSON), most of a large placement's time (``make bench``, row 1). Here the database reads the
source rows and writes the new ones itself.

Every concrete column of ``model`` is written: by ``per_row``'s expression (evaluated on ``source``'s rows) where
given, else by the value a new instance has, as ``save()`` would write it (``template``: the model's defaults,
``auto_now`` times set by ``pre_save``). A field added to the model later is written by its default without
touching the callers. No signals are sent (as with ``bulk_create``).
"""

from django.db import connection
from django.db.models import Expression, F, Model, QuerySet

NOT_PLAIN = "Insert from a plain query: the constant columns go first in its SELECT list."


def insert_from_select(model: type[Model], source: QuerySet, per_row: dict[str, Expression | F], template: Model,
                       *, ignore_conflicts: bool = False) -> list[int]:
    """Insert a ``model`` row for each row of ``source`` (in its order); the new rows' primary keys.

    ``ignore_conflicts``: a row that a unique constraint refuses is skipped (``ON CONFLICT DO NOTHING``, as
    ``bulk_create(ignore_conflicts=True)``); only the rows written are returned."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    unknown = set(per_row) - {name for field in fields for name in (field.name, field.attname)}
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(sorted(unknown))}.")
    computed = {field: per_row.get(field.name, per_row.get(field.attname)) for field in fields}
    computed = {field: expression for field, expression in computed.items() if expression is not None}
    if not computed:
        raise ValueError("Give at least one column per row: the rest are the same on every row.")
    # The other columns are the same on every row: bound as parameters, prepared as save() prepares them, so
    # the ORM resolves and compiles only the few expressions (``make bench``, row 1: a Value per column was about
    # a quarter of a one-line placement's CPU time). None is SQL NULL, as save() writes it.
    constant = [(field, field.get_db_prep_save(field.pre_save(template, add=True), connection))
                for field in fields if field not in computed]
    # The constant columns are spliced in at the head of the SELECT list: DISTINCT would take them in, a
    # UNION has a SELECT list per part, and GROUP BY names the list's columns by position.
    if source.query.distinct or source.query.combinator:
        raise ValueError(NOT_PLAIN)
    query = source.values(**{f"_{f.column}": e for f, e in computed.items()}).query
    if query.group_by is not None:
        raise ValueError(NOT_PLAIN)
    select, params = query.sql_with_params()
    constants = "".join(("NULL" if value is None else "%s") + ", " for _, value in constant)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*(f for f, _ in constant), *computed])
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT {constants}{select[len('SELECT '):]} "
           f"{'ON CONFLICT DO NOTHING ' if ignore_conflicts else ''}RETURNING {quote(model._meta.pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(value for _, value in constant if value is not None), *params])
        return [row[0] for row in cursor.fetchall()]
