import GRDB

extension Schema {
    /// v21 (issue 14, item 3): where each 町丁目 of the city is (a representative point, e.g. the centroid of its
    /// boundary), so that the finder can answer "nearest first" from a resident's 町丁目 and a facility's address.
    /// Latitude and longitude are WGS 84 degrees within Japan's extent.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let townLocationsSQL = """
        CREATE TABLE townLocation (
          ward TEXT NOT NULL,
          town TEXT NOT NULL CHECK (town <> ''),
          latitude REAL NOT NULL CHECK (latitude BETWEEN 20 AND 46),
          longitude REAL NOT NULL CHECK (longitude BETWEEN 122 AND 154),
          PRIMARY KEY (ward, town)
        );
        """
}
