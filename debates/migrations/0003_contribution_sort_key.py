from django.db import migrations, models


def fill_sort_keys(apps, schema_editor):
    Contribution = apps.get_model("debates", "Contribution")
    for contribution in Contribution.objects.select_related("debate").iterator(chunk_size=2000):
        debate = contribution.debate
        contribution.sort_key = f"{debate.date:%Y%m%d}.{debate.slug}.{contribution.sequence:06d}"
        contribution.save(update_fields=["sort_key"])


class Migration(migrations.Migration):
    dependencies = [("debates", "0002_contribution_key_redirects")]

    operations = [
        migrations.AddField(
            model_name="contribution",
            name="sort_key",
            field=models.CharField(editable=False, max_length=150, null=True),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contribution",
            name="sort_key",
            field=models.CharField(
                editable=False,
                help_text="Sitting date, debate and position in one indexed column, so "
                "listings and cursor pagination order millions of speeches without a join or "
                "a sort.",
                max_length=150,
                unique=True,
            ),
        ),
    ]
