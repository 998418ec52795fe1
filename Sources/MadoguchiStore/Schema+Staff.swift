import GRDB

extension Schema {
    /// v11 (issue 11): staff accounts with their roles and facility, password hashes (never passwords), sign-in
    /// sessions, API credentials per person or per device, and the append-only record of what happened to them.
    ///
    /// Frozen text: this migration never changes once shipped, and its vocabulary checks name the values of its day.
    static let staffSQL = """
        CREATE TABLE staffAccount (
          id INTEGER PRIMARY KEY,
          login TEXT NOT NULL UNIQUE CHECK (length(login) BETWEEN 3 AND 40 AND login NOT GLOB '*[^a-z0-9._-]*'),
          displayName TEXT NOT NULL CHECK (displayName <> ''),
          roles TEXT NOT NULL CHECK (json_valid(roles) AND json_array_length(roles) >= 1),
          facilityId TEXT REFERENCES facility(id),
          passwordHash TEXT NOT NULL CHECK (passwordHash GLOB 'scrypt$*'),
          failedSignIns INTEGER NOT NULL DEFAULT 0 CHECK (failedSignIns >= 0),
          lockedUntil TEXT,
          disabledAt TEXT,
          createdAt TEXT NOT NULL,
          passwordChangedAt TEXT NOT NULL
        );

        CREATE TABLE staffSession (
          tokenHash TEXT PRIMARY KEY NOT NULL CHECK (length(tokenHash) = 64),
          accountId INTEGER NOT NULL REFERENCES staffAccount(id),
          csrfToken TEXT NOT NULL CHECK (length(csrfToken) >= 32),
          createdAt TEXT NOT NULL,
          lastSeenAt TEXT NOT NULL,
          expiresAt TEXT NOT NULL,
          endedAt TEXT
        );
        CREATE INDEX staffSession_account ON staffSession(accountId);

        CREATE TABLE staffCredential (
          id INTEGER PRIMARY KEY,
          tokenHash TEXT NOT NULL UNIQUE CHECK (length(tokenHash) = 64),
          label TEXT NOT NULL CHECK (label <> ''),
          accountId INTEGER REFERENCES staffAccount(id),
          roles TEXT NOT NULL CHECK (json_valid(roles) AND json_array_length(roles) >= 1),
          facilityId TEXT REFERENCES facility(id),
          createdAt TEXT NOT NULL,
          revokedAt TEXT
        );

        CREATE TABLE staffEvent (
          id INTEGER PRIMARY KEY,
          at TEXT NOT NULL,
          accountId INTEGER REFERENCES staffAccount(id),
          login TEXT NOT NULL,
          event TEXT NOT NULL CHECK (event IN ('created', 'signedIn', 'signInFailed', 'lockedOut', 'signedOut', 'disabled', 'enabled',
            'passwordReset', 'credentialIssued', 'credentialRevoked')),
          actor TEXT NOT NULL,
          detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
        );
        CREATE TRIGGER staffEvent_no_update BEFORE UPDATE ON staffEvent
        BEGIN SELECT RAISE(ABORT, 'the record of staff events is append-only'); END;
        CREATE TRIGGER staffEvent_no_delete BEFORE DELETE ON staffEvent
        BEGIN SELECT RAISE(ABORT, 'the record of staff events is append-only'); END;
        """
}
