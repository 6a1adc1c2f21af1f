"""seal authenticator keys

Authenticator keys were stored as typed (base32): a copy of the database gave away every staff
member's second step. They are now stored sealed with a key from the environment
(AUTHENTICATOR_KEYS; companion/staff/sealing.py). Upgrading seals the keys already stored;
downgrading unseals them again, so sign-in keeps working either way.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 09:10:00

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SEALED_PREFIX = "gAAAAA"
staff = sa.table(
    "staff_member", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String)
)


def stored_keys():
    connection = op.get_bind()
    return connection, connection.execute(
        sa.select(staff.c.id, staff.c.totp_secret).where(staff.c.totp_secret.is_not(None))
    ).all()


def upgrade():
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64),
                              type_=sa.String(length=255), existing_nullable=True)
    sealer = current_app.extensions["companion.sealer"]
    connection, rows = stored_keys()
    for staff_id, key in rows:
        if not key.startswith(SEALED_PREFIX):
            connection.execute(
                staff.update().where(staff.c.id == staff_id).values(totp_secret=sealer.seal(key))
            )


def downgrade():
    sealer = current_app.extensions["companion.sealer"]
    connection, rows = stored_keys()
    for staff_id, key in rows:
        if key.startswith(SEALED_PREFIX):
            connection.execute(
                staff.update().where(staff.c.id == staff_id).values(totp_secret=sealer.unseal(key))
            )
    with op.batch_alter_table('staff_member', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255),
                              type_=sa.String(length=64), existing_nullable=True)
