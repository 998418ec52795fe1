/// 個人番号 (My Number): 12 digits, the last a check digit (行政手続における特定の個人を識別するための
/// 番号の利用等に関する法律施行令 第8条).
///
/// Never log one. ``description`` is masked; use ``digits`` only where the law allows printing it.
public struct IndividualNumber: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    public init(_ text: String) throws {
        var s = JapaneseText.normalized(text)
        if s.utf8.count != 12 { s.removeAll { $0 == "-" || $0 == " " } }
        guard s.count == 12, s.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw MadoguchiError(
                .invalidIndividualNumber, ja: "個人番号は12桁の数字です", en: "An individual number has 12 digits")
        }
        let values = s.map { Int(String($0))! }
        guard IndividualNumber.checkDigit(for: Array(values.prefix(11))) == values[11] else {
            throw MadoguchiError(
                .invalidIndividualNumber, ja: "個人番号の検査用数字が一致しません",
                en: "The individual number's check digit does not match")
        }
        digits = s
    }

    /// The check digit of the first 11 digits: Σ Pn×Qn mod 11 with Pn the n-th digit from the right,
    /// Qn = n+1 (n ≤ 6) or n−5 (n ≥ 7); 0 when the remainder is 0 or 1, else 11 − remainder.
    public static func checkDigit(for first11: [Int]) -> Int {
        precondition(first11.count == 11)
        var sum = 0
        for n in 1...11 {
            let p = first11[11 - n]
            let q = n <= 6 ? n + 1 : n - 5
            sum += p * q
        }
        let r = sum % 11
        return r <= 1 ? 0 : 11 - r
    }

    /// Masked: `********1234` is never printed either; logs get only this.
    public var description: String { "個人番号(****)" }
}

/// 住民票コード: 11 digits, the last a check digit (modulus 11, weights 2–7 from the right).
public struct ResidentRecordCode: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    public init(_ text: String) throws {
        let s = JapaneseText.normalized(text)
        guard s.count == 11, s.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw MadoguchiError(
                .invalidResidentRecordCode, ja: "住民票コードは11桁の数字です",
                en: "A resident record code has 11 digits")
        }
        let values = s.map { Int(String($0))! }
        guard ResidentRecordCode.checkDigit(for: Array(values.prefix(10))) == values[10] else {
            throw MadoguchiError(
                .invalidResidentRecordCode, ja: "住民票コードの検査用数字が一致しません",
                en: "The resident record code's check digit does not match")
        }
        digits = s
    }

    public static func checkDigit(for first10: [Int]) -> Int {
        precondition(first10.count == 10)
        let weights = [2, 3, 4, 5, 6, 7, 2, 3, 4, 5]
        var sum = 0
        for i in 0..<10 { sum += first10[9 - i] * weights[i] }
        let r = sum % 11
        return r <= 1 ? 0 : 11 - r
    }

    public var description: String { "住民票コード(****)" }
}
