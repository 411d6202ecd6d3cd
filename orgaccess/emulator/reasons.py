"""Audit reasons: the real cause the emulator records for an answer the client cannot see.

Stable strings; tests, the doctor and the benchmarks match on them.

Data plane (`GET /api/v2/analytics/screenrecordings`): every cause that applies, in order,
joined by ",", e.g. "C2.org.locked,C3.permission.missing":
- `C1.scope.missing`       the token's scopes lack `recording:view`
- `C2.org.locked`          the client is `PRIMARY_ONLY` and the target is not its home org
- `C3.permission.missing`  no role granted in the target org carries `recording:view`
- `C4.license.disabled`    the target org's `analytics` feature is off
- `C5.org.unaddressable`   the target is neither home nor linked, or unknown (always alone)
- `C6.header.missing`      no `X-GCC-Organization-Id`: the call acted on the home org (a note on
                           an otherwise successful answer, not an error)
- `C7.division.unreached`  genesys-cloud: some of the org's recordings are in divisions that no
                           role carrying the permission is granted in, and the answer left them
                           out (a note on a successful answer, as C6)

Management and delete calls: `C5.org.unaddressable`, `C2.org.locked` (a locked client addresses
only its home org), `permission.missing:<permission>`, `grant.exceeds.own.permissions`,
`role.builtin.readonly`.

Authentication: `token.missing`, `token.invalid` (malformed or unknown), `token.expired`,
`token.revoked` (its client was deleted); on `POST /oauth/token`: `client.invalid`,
`grant_type.unsupported`, `scope.invalid`.

Conflicts: `version.stale`, `name.duplicate`, `license.contract.required`.
Limits and faults: `rate.limited`, `fault.error` (injected 5xx), `fault.drop` (cut connection),
`fault.lost_answer` (carried out, then the connection cut before the answer; the request's own
entry, with its real status, is recorded just before).
"""

C1 = "C1.scope.missing"
C2 = "C2.org.locked"
C3 = "C3.permission.missing"
C4 = "C4.license.disabled"
C5 = "C5.org.unaddressable"
C6 = "C6.header.missing"
C7 = "C7.division.unreached"
GRANT_EXCEEDS = "grant.exceeds.own.permissions"
BUILTIN_READONLY = "role.builtin.readonly"
TOKEN_MISSING = "token.missing"
TOKEN_INVALID = "token.invalid"
TOKEN_EXPIRED = "token.expired"
TOKEN_REVOKED = "token.revoked"
CLIENT_INVALID = "client.invalid"
GRANT_TYPE_UNSUPPORTED = "grant_type.unsupported"
SCOPE_INVALID = "scope.invalid"
VERSION_STALE = "version.stale"
NAME_DUPLICATE = "name.duplicate"
LICENSE_CONTRACT = "license.contract.required"
RATE_LIMITED = "rate.limited"
FAULT_ERROR = "fault.error"
FAULT_DROP = "fault.drop"
FAULT_LOST_ANSWER = "fault.lost_answer"


def permission_missing(permission: str) -> str:
    return f"permission.missing:{permission}"
