import GRDB

extension Schema {
    /// v22 (issue 14, item 4): queues at the counter.
    ///
    /// - `queueWindow`: a facility's windows and the lines each serves; who opened it, if it is open.
    ///   `queueWindowLog` keeps every configuration, opening and closing (append-only).
    /// - `queueTicket`: a ticket as it stands now (its line, state, window); `queueEvent` keeps every state it passed
    ///   through with its time, window and actor (append-only), so waits and service times are measured.
    /// - `queueDayLock`: one row a facility a day, written first by every change of that day's queue, so that two
    ///   servers never call the same ticket; its `changes` is the version a display board watches.
    /// - `mailOutbox`: alerts to send, written in the change's transaction and sent after it.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let counterQueuesSQL = """
        CREATE TABLE queueWindow (
          facilityId TEXT NOT NULL REFERENCES facility(id),
          id TEXT NOT NULL CHECK (id <> '' AND length(id) <= 8),
          skills TEXT NOT NULL CHECK (json_valid(skills) AND json_type(skills) = 'array' AND json_array_length(skills) >= 1),
          openedBy TEXT CHECK (openedBy IS NULL OR openedBy <> ''),
          PRIMARY KEY (facilityId, id)
        );
        CREATE TABLE queueWindowLog (
          id INTEGER PRIMARY KEY,
          facilityId TEXT NOT NULL,
          windowId TEXT NOT NULL,
          change TEXT NOT NULL CHECK (change IN ('configured', 'opened', 'closed')),
          skills TEXT NOT NULL CHECK (json_valid(skills)),
          at TEXT NOT NULL,
          actor TEXT NOT NULL CHECK (actor <> ''),
          FOREIGN KEY (facilityId, windowId) REFERENCES queueWindow(facilityId, id)
        );
        CREATE TRIGGER queueWindowLog_no_update BEFORE UPDATE ON queueWindowLog
        BEGIN SELECT RAISE(ABORT, 'the window log is append-only'); END;
        CREATE TRIGGER queueWindowLog_no_delete BEFORE DELETE ON queueWindowLog
        BEGIN SELECT RAISE(ABORT, 'the window log is append-only'); END;

        CREATE TABLE queueTicket (
          id TEXT PRIMARY KEY CHECK (length(id) = 26),
          facilityId TEXT NOT NULL REFERENCES facility(id),
          day TEXT NOT NULL CHECK (day = date(day)),
          letter TEXT NOT NULL CHECK (length(letter) = 1),
          sequence INTEGER NOT NULL CHECK (sequence >= 1),
          number TEXT NOT NULL CHECK (number <> ''),
          route TEXT NOT NULL CHECK (json_valid(route) AND json_type(route) = 'array' AND json_array_length(route) >= 1),
          step INTEGER NOT NULL CHECK (step >= 0 AND step < json_array_length(route)),
          state TEXT NOT NULL CHECK (state IN ('reserved', 'waiting', 'called', 'serving', 'parked', 'done', 'noShow', 'cancelled')),
          channel TEXT NOT NULL CHECK (channel IN ('entrance', 'web', 'reservation')),
          slot TEXT,
          issuedAt TEXT NOT NULL,
          queuedAt TEXT NOT NULL,
          windowId TEXT,
          calledAt TEXT,
          startedAt TEXT,
          estimatedWaitMinutes INTEGER NOT NULL CHECK (estimatedWaitMinutes >= 0),
          language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
          email TEXT CHECK (email IS NULL OR email LIKE '%_@_%'),
          nearAlerted INTEGER NOT NULL CHECK (nearAlerted IN (0, 1)),
          CHECK ((channel = 'reservation') = (slot IS NOT NULL)),
          UNIQUE (facilityId, day, letter, sequence)
        );
        CREATE INDEX queueTicket_day ON queueTicket(facilityId, day, state);

        CREATE TABLE queueEvent (
          id INTEGER PRIMARY KEY,
          ticketId TEXT NOT NULL REFERENCES queueTicket(id),
          kind TEXT NOT NULL CHECK (kind IN ('issued', 'reserved', 'checkedIn', 'called', 'recalled', 'started', 'parked',
            'resumed', 'transferred', 'stepDone', 'finished', 'noShow', 'cancelled')),
          step INTEGER NOT NULL CHECK (step >= 0),
          procedure TEXT NOT NULL,
          windowId TEXT,
          at TEXT NOT NULL,
          actor TEXT NOT NULL CHECK (actor <> ''),
          serviceSeconds REAL CHECK (serviceSeconds IS NULL OR (kind = 'stepDone' AND serviceSeconds >= 0))
        );
        CREATE INDEX queueEvent_ticket ON queueEvent(ticketId, id);
        CREATE TRIGGER queueEvent_no_update BEFORE UPDATE ON queueEvent
        BEGIN SELECT RAISE(ABORT, 'a ticket''s history is append-only'); END;
        CREATE TRIGGER queueEvent_no_delete BEFORE DELETE ON queueEvent
        BEGIN SELECT RAISE(ABORT, 'a ticket''s history is append-only'); END;

        CREATE TABLE queueDayLock (
          facilityId TEXT NOT NULL,
          day TEXT NOT NULL CHECK (day = date(day)),
          changes INTEGER NOT NULL CHECK (changes >= 1),
          PRIMARY KEY (facilityId, day)
        );

        CREATE TABLE mailOutbox (
          id INTEGER PRIMARY KEY,
          ticketId TEXT REFERENCES queueTicket(id),
          recipient TEXT NOT NULL CHECK (recipient LIKE '%_@_%'),
          subject TEXT NOT NULL CHECK (subject <> ''),
          body TEXT NOT NULL,
          createdAt TEXT NOT NULL,
          sentAt TEXT,
          attempts INTEGER NOT NULL CHECK (attempts >= 0),
          lastError TEXT
        );
        CREATE INDEX mailOutbox_pending ON mailOutbox(sentAt, id);
        """

    /// v23 (issue 14, item 6): ticket counts by hour from before the city's own tickets (the previous ticketing system's
    /// export, or the demo's synthetic years), which the congestion forecast learns from with the tickets drawn here:
    /// a row a facility a day, its 24 hours' counts as a JSON array of whole numbers. A day with tickets of its own is
    /// counted from them; this table fills the days before. Recording a day again replaces it. The day's check is
    /// stricter than `date(day)` alone, which lets 2026-02-30 and 2026-13-01 through (a NULL check passes).
    ///
    /// Frozen text: this migration never changes once shipped.
    static let arrivalHistorySQL = """
        CREATE TABLE queueArrivalHistory (
          facilityId TEXT NOT NULL REFERENCES facility(id),
          day TEXT NOT NULL CHECK (coalesce(day = date(day, '+0 days'), 0)),
          hourly TEXT NOT NULL CHECK (json_valid(hourly) AND json_type(hourly) = 'array' AND json_array_length(hourly) = 24
            AND hourly NOT GLOB '*[^]0-9,[]*' AND length(hourly) - length(replace(hourly, '[', '')) = 1),
          source TEXT NOT NULL CHECK (source <> '' AND length(source) <= 200),
          recordedAt TEXT NOT NULL,
          PRIMARY KEY (facilityId, day)
        );
        """
}
