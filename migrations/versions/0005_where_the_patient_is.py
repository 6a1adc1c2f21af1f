"""where the patient is: the page they left, when they finished, when the tablet was handed back

`current_page` lets a patient who comes back land on the page they left (a step's id, or
"review"); `finished_at` is set when they press "I've finished"; `handed_back_at` when a tablet
handed to them is given back. Existing discussions start with none of these, which reads as
"not started" on the dashboard until the patient next opens a page.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('current_page', sa.String(length=64), nullable=False, server_default='')
        )
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('handed_back_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.drop_column('handed_back_at')
        batch_op.drop_column('finished_at')
        batch_op.drop_column('current_page')
