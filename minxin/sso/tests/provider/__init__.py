"""The test provider's client and accounts' password (shared with the tests)."""

CLIENT_ID, CLIENT_SECRET, PASSWORD = "minxin", "minxin-client-secret", "pw-province"
