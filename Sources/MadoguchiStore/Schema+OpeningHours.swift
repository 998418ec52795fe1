import GRDB

extension Schema {
    /// v20 (issue 14, item 2): opening hours per facility.
    ///
    /// - `facilityHours`: a facility's regular hours from a day on (the week, monthly openings such as 第2・第4日曜日,
    ///   the hours on national holidays, the year-end closure) as JSON, with the decision that set them. One schedule a
    ///   facility a day; append-only.
    /// - `facilityDay`: one-off days (臨時休業, 3月末の休日開庁): the spans of that day (none: closed) and why.
    ///   Append-only: a day recorded again later supersedes the earlier record, which stays.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let openingHoursSQL = """
        CREATE TABLE facilityHours (
          id INTEGER PRIMARY KEY,
          facilityId TEXT NOT NULL REFERENCES facility(id),
          effectiveOn TEXT NOT NULL CHECK (effectiveOn = date(effectiveOn)),
          schedule TEXT NOT NULL CHECK (json_valid(schedule) AND json_type(schedule, '$.weekly') = 'array'
            AND json_array_length(schedule, '$.weekly') = 7),
          decisionDocument TEXT NOT NULL CHECK (decisionDocument <> ''),
          decidedOn TEXT NOT NULL CHECK (decidedOn = date(decidedOn) AND decidedOn <= effectiveOn),
          recordedAt TEXT NOT NULL,
          recordedBy TEXT NOT NULL CHECK (recordedBy <> ''),
          UNIQUE (facilityId, effectiveOn)
        );
        CREATE TRIGGER facilityHours_no_update BEFORE UPDATE ON facilityHours
        BEGIN SELECT RAISE(ABORT, 'opening hours are append-only'); END;
        CREATE TRIGGER facilityHours_no_delete BEFORE DELETE ON facilityHours
        BEGIN SELECT RAISE(ABORT, 'opening hours are append-only'); END;

        CREATE TABLE facilityDay (
          id INTEGER PRIMARY KEY,
          facilityId TEXT NOT NULL REFERENCES facility(id),
          day TEXT NOT NULL CHECK (day = date(day)),
          spans TEXT NOT NULL CHECK (json_valid(spans) AND json_type(spans) = 'array'),
          reason TEXT NOT NULL CHECK (reason <> ''),
          recordedAt TEXT NOT NULL,
          recordedBy TEXT NOT NULL CHECK (recordedBy <> '')
        );
        CREATE INDEX facilityDay_facility ON facilityDay(facilityId, day);
        CREATE TRIGGER facilityDay_no_update BEFORE UPDATE ON facilityDay
        BEGIN SELECT RAISE(ABORT, 'opening hours are append-only'); END;
        CREATE TRIGGER facilityDay_no_delete BEFORE DELETE ON facilityDay
        BEGIN SELECT RAISE(ABORT, 'opening hours are append-only'); END;
        """
}
