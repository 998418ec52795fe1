/// 住所: 都道府県, 市区町村, 区, 町丁目, 番地, 方書.
public struct Address: Hashable, Sendable, Codable, CustomStringConvertible {
    /// 都道府県 (神奈川県)
    public var prefecture: String
    /// 市区町村 (川崎市)
    public var municipality: String
    /// 区 (中原区); empty where the city has no wards
    public var ward: String
    /// 町丁目 (小杉町三丁目)
    public var town: String
    /// 番地 (1番地2, 3番4号)
    public var block: String
    /// 方書 (building and room), optional
    public var building: String?

    public init(
        prefecture: String, municipality: String, ward: String, town: String, block: String,
        building: String? = nil
    ) {
        self.prefecture = prefecture
        self.municipality = municipality
        self.ward = ward
        self.town = town
        self.block = block
        self.building = building
    }

    /// As printed: 神奈川県川崎市中原区小杉町三丁目1番地2 コスギハイツ101号
    public var description: String {
        let main = prefecture + municipality + ward + town + block
        guard let building, !building.isEmpty else { return main }
        return main + "　" + building
    }
}
