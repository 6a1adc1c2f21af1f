"""content version shown, and the option the patient leans towards

Every discussion started before this revision was shown content version 1.0.0, the only one
published then, so existing rows get that; new discussions record the version they are shown.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('content_version', sa.String(length=16), nullable=False, server_default='1.0.0')
        )
        batch_op.add_column(
            sa.Column('leaning', sa.String(length=64), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('leaning_reason', sa.Text(), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.drop_column('leaning_reason')
        batch_op.drop_column('leaning')
        batch_op.drop_column('content_version')
