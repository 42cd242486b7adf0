"""Who may do what with tokens and the security log, as data."""

from audits.choices import Role

# Read the security log (page, CSV, API) and list or revoke anybody's API tokens.
SECURITY_OFFICERS = {Role.SAI_ADMIN}
# Roles that need a second factor on the web when REQUIRE_2FA is on.
SECOND_FACTOR_ROLES = {Role.SAI_ADMIN, Role.SUPERVISOR}
