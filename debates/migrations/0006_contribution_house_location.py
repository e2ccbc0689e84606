from django.db import migrations, models

# Added with plain ALTER TABLE on both databases: Django's SQLite schema editor would
# rebuild the whole table for a NOT NULL column, dropping the full-text triggers of 0005
# and copying every row. The empty default only fills existing rows until the UPDATE.
ADD_COLUMNS = [
    "ALTER TABLE debates_contribution ADD COLUMN house varchar(10) NOT NULL DEFAULT ''",
    "ALTER TABLE debates_contribution ADD COLUMN location varchar(100) NOT NULL DEFAULT ''",
]
DROP_COLUMNS = [
    "ALTER TABLE debates_contribution DROP COLUMN location",
    "ALTER TABLE debates_contribution DROP COLUMN house",
]

# One statement for every row: a data migration over millions of speeches must not loop
# in Python. The correlated subquery is standard SQL, so SQLite and PostgreSQL share it.
COPY_FROM_DEBATES = """
UPDATE debates_contribution SET
    house = (SELECT house FROM debates_debate WHERE debates_debate.id = debate_id),
    location = (SELECT location FROM debates_debate WHERE debates_debate.id = debate_id)
"""


class Migration(migrations.Migration):
    dependencies = [("debates", "0005_search_columns")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="contribution",
                    name="house",
                    field=models.CharField(
                        choices=[("commons", "House of Commons"), ("lords", "House of Lords")],
                        editable=False,
                        max_length=10,
                    ),
                ),
                migrations.AddField(
                    model_name="contribution",
                    name="location",
                    field=models.CharField(blank=True, editable=False, max_length=100),
                ),
            ],
            database_operations=[
                migrations.RunSQL(ADD_COLUMNS, DROP_COLUMNS),
                migrations.RunSQL(COPY_FROM_DEBATES, migrations.RunSQL.noop, elidable=False),
            ],
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(fields=["house", "sort_key"], name="debates_con_house_7e05f1_idx"),
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(fields=["party", "sort_key"], name="debates_con_party_i_1d23cb_idx"),
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                fields=["location", "sort_key"], name="debates_con_locatio_3f42d2_idx"
            ),
        ),
    ]
