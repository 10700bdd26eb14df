# Zones and periods moved into core (see core 0003).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0002_zone_moved_to_core'),
        ('bulletins', '0002_zone_moved_to_core'),
        ('campaigns', '0002_zone_moved_to_core'),
        ('core', '0004_zone_moved_to_core'),
        ('indicators', '0002_zone_moved_to_core'),
        ('org', '0002_alter_unit_group'),
        ('projects', '0002_zone_moved_to_core'),
        ('tickets', '0002_zone_moved_to_core'),
    ]

    operations = [
        # Zones and periods moved into core with their tables: only Django's picture of the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='member',
                    name='zone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.zone', verbose_name='zone'),
                ),
                migrations.AlterField(
                    model_name='unit',
                    name='zone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.zone', verbose_name='zone'),
                ),
                migrations.DeleteModel(
                    name='Zone',
                ),
            ],
            database_operations=[],
        ),
    ]
