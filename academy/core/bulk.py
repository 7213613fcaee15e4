"""Inserting many new rows at once: COPY on PostgreSQL, bulk_create elsewhere.

`bulk_create` spends most of its time outside the database at a hundred thousand
rows: compiling the INSERT, preparing every value through its field, and psycopg
quoting tens of thousands of parameters per statement. COPY streams the rows as they
are. The new rows' ids are drawn from the table's sequence first, in one query, and
set on the instances, as bulk_create does. Like bulk_create, it sends no signals and
calls neither save() nor clean(): the caller validates.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

#: Rows per bulk_create statement where COPY is not available.
BATCH = 1000
#: Fields whose Python value psycopg writes as the column wants; others go through
#: the field's get_db_prep_save.
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,  # and DateTimeField
    models.ForeignKey,
)


def _copy_supported(model: type[models.Model]) -> bool:
    pk = model._meta.pk
    return connection.vendor == "postgresql" and isinstance(
        pk, models.AutoField | models.BigAutoField
    )


def values_insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence]
) -> list[int]:
    """Insert new rows given as the values of `columns` (field attnames, e.g.
    `person_id`), without a model instance per row; returns their ids, in order.

    At a hundred thousand rows, building the instances costs more than inserting
    them. The values are the fields' Python values, validated by the caller; every
    other field gets its default (auto_now fields the time of the call, a field with
    only a database default the database's).
    """
    if not rows:
        return []
    meta = model._meta
    if not _copy_supported(model):
        instances = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(instances, batch_size=BATCH)
        return [instance.pk for instance in instances]
    given = {name: position for position, name in enumerate(columns)}
    now = timezone.now()
    # Per field: where its value comes from (a column of the row, or a constant),
    # and whether psycopg writes its Python value as the column wants.
    sources = []
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        if field.attname in given:
            sources.append((field, given[field.attname], None))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            sources.append((field, None, now))
        elif field.has_default():
            if callable(field.default):
                raise ValueError(f"{field.attname}: give its value (callable default)")
            sources.append((field, None, field.get_default()))
        elif field.has_db_default():
            continue  # left to the database
        else:
            sources.append((field, None, field.get_default()))
    unknown = set(given) - {field.attname for field, _, _ in sources}
    if unknown:
        raise ValueError(f"not fields of {meta.label}: {sorted(unknown)}")
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(
        [connection.ops.quote_name(meta.pk.column)]
        + [connection.ops.quote_name(field.column) for field, _, _ in sources]
    )
    readers = []
    for field, position, constant in sources:
        if position is None:
            value = field.get_db_prep_save(constant, connection)
            readers.append(lambda row, value=value: value)
        elif isinstance(field, PLAIN_FIELDS):
            readers.append(lambda row, position=position: row[position])
        else:
            readers.append(
                lambda row, field=field, position=position: field.get_db_prep_save(
                    row[position], connection
                )
            )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *(read(row) for read in readers)])
    return ids


def rows_insert(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """Insert `instances` (new, without a pk) and set each one's pk."""
    if not instances:
        return
    if not _copy_supported(model):
        model.objects.bulk_create(instances, batch_size=BATCH)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    auto_now = [
        field
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    for instance in instances:
        for field in auto_now:
            field.pre_save(instance, add=True)
    columns = [field.attname for field in fields]
    ids = values_insert(
        model,
        columns,
        [[getattr(instance, name) for name in columns] for instance in instances],
    )
    for pk, instance in zip(ids, instances, strict=True):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias
