# Zones and periods moved into core (see core 0003).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_zone_moved_to_core'),
        ('tickets', '0001_initial'),
    ]

    operations = [
        # Zones and periods moved into core with their tables: only Django's picture of the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='ticket',
                    name='zone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.zone', verbose_name='zone'),
                ),
                migrations.AlterField(
                    model_name='ticketevent',
                    name='zone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.zone', verbose_name='zone'),
                ),
            ],
            database_operations=[],
        ),
    ]
