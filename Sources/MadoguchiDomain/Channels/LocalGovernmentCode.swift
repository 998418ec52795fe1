/// 全国地方公共団体コード: five digits and a check digit (149802, 141305 …). A city server knows
/// which city it is by this code, and the hub routes by it.
public struct LocalGovernmentCode: Hashable, Sendable, Codable, CustomStringConvertible {
    public let digits: String

    public init(_ text: String) throws {
        let s = JapaneseText.normalized(text)
        guard s.count == 6, s.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw MadoguchiError(
                .invalidLocalGovernmentCode, ja: "全国地方公共団体コードは6桁の数字です: \(text)",
                en: "A local government code has 6 digits: \(text)")
        }
        let values = s.map { Int(String($0))! }
        guard Self.checkDigit(for: Array(values.prefix(5))) == values[5] else {
            throw MadoguchiError(
                .invalidLocalGovernmentCode, ja: "全国地方公共団体コードの検査数字が一致しません: \(text)",
                en: "The local government code's check digit does not match: \(text)")
        }
        digits = s
    }

    /// Weights 6, 5, 4, 3, 2 from the top digit; the check digit is the ones digit of 11 − (sum mod 11).
    public static func checkDigit(for first5: [Int]) -> Int {
        precondition(first5.count == 5)
        let sum = zip(first5, [6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 }
        return (11 - sum % 11) % 10
    }

    /// 都道府県コード (the first two digits)
    public var prefecture: Int { Int(digits.prefix(2))! }

    public var description: String { digits }
}

extension MadoguchiError.Code {
    public static let invalidLocalGovernmentCode = Self("city.code.invalid")
}
