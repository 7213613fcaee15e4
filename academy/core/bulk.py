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


def rows_insert(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """Insert `instances` (new, without a pk) and set each one's pk."""
    if not instances:
        return
    if not _copy_supported(model):
        model.objects.bulk_create(instances, batch_size=BATCH)
        return
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(
        [connection.ops.quote_name(meta.pk.column)]
        + [connection.ops.quote_name(field.column) for field in fields]
    )
    auto_now = [
        field
        for field in fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(instances)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        plain = [isinstance(field, PLAIN_FIELDS) for field in fields]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, instance in zip(ids, instances, strict=True):
                for field in auto_now:
                    field.pre_save(instance, add=True)
                instance.pk = pk
                copy.write_row(
                    [
                        pk,
                        *(
                            getattr(instance, field.attname)
                            if is_plain
                            else field.get_db_prep_save(
                                getattr(instance, field.attname), connection
                            )
                            for field, is_plain in zip(fields, plain, strict=True)
                        ),
                    ]
                )
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias
