import GRDB

extension Schema {
    /// v19 (issue 14, item 1): the facility network over time.
    ///
    /// - `facility` takes three more kinds: まちづくりセンター (`communityCenter`), the sites of the city's automatic
    ///   certificate machines (`automaticMachine`) and the post offices that issue on its behalf (`postOffice`), and so
    ///   does `issuanceCount.place`, where the ledger counts copies by the kind of the facility that issued them. SQLite
    ///   cannot alter a CHECK, so both tables are copied, as v18 did for `resident`; their rows and columns are as
    ///   before. The ledger's count triggers name both tables in their bodies, which a rename checks and would refuse
    ///   while the old table is gone: the copies are renamed with `legacy_alter_table` on, which leaves the triggers'
    ///   text alone (they name the tables as before, and find the new ones). A row is the facility's identity and its
    ///   state as last recorded; what it was on a day is in its events.
    /// - `facilityEvent`: the effective-dated changes, each with the decision it rests on (document and day), append-only.
    ///   One change a facility a day. Kind and menu name the values of their day; the order of events and what each
    ///   change may carry are the domain's rules (`FacilityHistory`), checked before every insert.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let facilityNetworkSQL = """
        PRAGMA legacy_alter_table = ON;
        CREATE TABLE facility_v19 (
          id TEXT PRIMARY KEY NOT NULL CHECK (id <> '' AND id NOT GLOB '*[^a-z0-9-]*'),
          kind TEXT NOT NULL CHECK (kind IN ('wardOffice', 'branchOffice', 'subBranchOffice', 'serviceCorner', 'liaisonOffice',
            'communityCenter', 'automaticMachine', 'postOffice')),
          name TEXT NOT NULL CHECK (name <> ''),
          ward TEXT NOT NULL,
          prefecture TEXT NOT NULL,
          municipality TEXT NOT NULL,
          addressWard TEXT NOT NULL,
          town TEXT NOT NULL,
          block TEXT NOT NULL,
          building TEXT,
          openedOn TEXT NOT NULL CHECK (openedOn = date(openedOn)),
          closedOn TEXT CHECK (closedOn IS NULL OR (closedOn = date(closedOn) AND closedOn > openedOn))
        );
        INSERT INTO facility_v19 (id, kind, name, ward, prefecture, municipality, addressWard, town, block, building, openedOn, closedOn)
        SELECT id, kind, name, ward, prefecture, municipality, addressWard, town, block, building, openedOn, closedOn FROM facility;
        DROP TABLE facility;
        ALTER TABLE facility_v19 RENAME TO facility;
        CREATE TABLE issuanceCount_v19 (
          fiscalYear INTEGER NOT NULL CHECK (fiscalYear BETWEEN 1873 AND 2999),
          place TEXT NOT NULL CHECK (place IN ('wardOffice', 'branchOffice', 'subBranchOffice', 'serviceCorner', 'liaisonOffice',
            'communityCenter', 'automaticMachine', 'postOffice') OR place GLOB 'channel:?*'),
          source TEXT NOT NULL CHECK (source <> ''),
          copies INTEGER NOT NULL CHECK (copies >= 0),
          PRIMARY KEY (fiscalYear, place, source)
        );
        INSERT INTO issuanceCount_v19 (fiscalYear, place, source, copies) SELECT fiscalYear, place, source, copies FROM issuanceCount;
        DROP TABLE issuanceCount;
        ALTER TABLE issuanceCount_v19 RENAME TO issuanceCount;
        PRAGMA legacy_alter_table = OFF;

        CREATE TABLE facilityEvent (
          id INTEGER PRIMARY KEY,
          facilityId TEXT NOT NULL REFERENCES facility(id),
          change TEXT NOT NULL CHECK (change IN ('opened', 'converted', 'mannedWindowClosed', 'relocated', 'menuChanged', 'closed')),
          effectiveOn TEXT NOT NULL CHECK (effectiveOn = date(effectiveOn)),
          decisionDocument TEXT NOT NULL CHECK (decisionDocument <> ''),
          decidedOn TEXT NOT NULL CHECK (decidedOn = date(decidedOn) AND decidedOn <= effectiveOn),
          kind TEXT CHECK (kind IS NULL OR kind IN ('wardOffice', 'branchOffice', 'subBranchOffice', 'serviceCorner',
            'liaisonOffice', 'communityCenter', 'automaticMachine', 'postOffice')),
          name TEXT CHECK (name IS NULL OR name <> ''),
          ward TEXT,
          address TEXT CHECK (address IS NULL OR json_valid(address)),
          menu TEXT CHECK (menu IS NULL OR (json_valid(menu) AND json_type(menu) = 'array')),
          recordedAt TEXT NOT NULL,
          recordedBy TEXT NOT NULL CHECK (recordedBy <> ''),
          UNIQUE (facilityId, effectiveOn)
        );
        CREATE TRIGGER facilityEvent_no_update BEFORE UPDATE ON facilityEvent
        BEGIN SELECT RAISE(ABORT, 'the facility network''s history is append-only'); END;
        CREATE TRIGGER facilityEvent_no_delete BEFORE DELETE ON facilityEvent
        BEGIN SELECT RAISE(ABORT, 'the facility network''s history is append-only'); END;
        """
}
