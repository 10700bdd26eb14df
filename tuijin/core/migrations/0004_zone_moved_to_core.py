# Zones and periods moved into core (see core 0003).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_zone_and_periods'),
    ]

    operations = [
        # Zones and periods moved into core with their tables: only Django's picture of the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='changelog',
                    name='zone',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.zone', verbose_name='zone'),
                ),
                migrations.AlterField(
                    model_name='operationlog',
                    name='zone',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.zone', verbose_name='zone'),
                ),
            ],
            database_operations=[],
        ),
    ]
