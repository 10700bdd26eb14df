"""Zones and filing periods move into core (every app shares them); their tables stay where they are."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rename_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, model in (("org", "zone"), ("indicators", "filingperiod"), ("indicators", "periodevent")):
        if not ContentType.objects.filter(app_label="core", model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label="core")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_operationlog"),
        ("org", "0002_alter_unit_group"),
        ("indicators", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Zone",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("short_name", models.CharField(blank=True, max_length=40, verbose_name="short name")),
                        ("level", models.CharField(choices=[("national", "national ETDZ"), ("provincial", "provincial development zone"), ("province", "province"), ("city", "city")], default="national", max_length=16, verbose_name="level")),
                        ("province", models.CharField(blank=True, max_length=20, verbose_name="province")),
                        ("city", models.CharField(blank=True, max_length=20, verbose_name="city")),
                        ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                    ],
                    options={"db_table": "org_zone", "verbose_name": "zone", "verbose_name_plural": "zones",
                             "ordering": ["code"]},
                ),
                migrations.CreateModel(
                    name="FilingPeriod",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                        ("month", models.PositiveSmallIntegerField(verbose_name="month")),
                        ("deadline", models.DateField(blank=True, null=True, verbose_name="deadline")),
                        ("locked", models.BooleanField(default=False, verbose_name="locked")),
                        ("zone", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.zone", verbose_name="zone")),
                    ],
                    options={"db_table": "indicators_filingperiod", "verbose_name": "filing period",
                             "verbose_name_plural": "filing periods", "ordering": ["zone", "-year", "-month"],
                             "constraints": [models.UniqueConstraint(fields=("zone", "year", "month"), name="period_unique")]},
                ),
                migrations.CreateModel(
                    name="PeriodEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("action", models.CharField(choices=[("lock", "locked"), ("reopen", "reopened")], max_length=8, verbose_name="action")),
                        ("reason", models.CharField(blank=True, max_length=200, verbose_name="reason")),
                        ("by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name="by")),
                        ("period", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="events", to="core.filingperiod", verbose_name="period")),
                        ("zone", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.zone", verbose_name="zone")),
                    ],
                    options={"db_table": "indicators_periodevent", "verbose_name": "period event",
                             "verbose_name_plural": "period events", "ordering": ["-created"]},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, migrations.RunPython.noop),
    ]
