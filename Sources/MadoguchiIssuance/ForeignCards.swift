import Foundation
import MadoguchiDomain
import MadoguchiStore

/// A card this city did not issue, registered here for its holder's 戸籍 (本籍地利用登録), is checked with the city
/// that issued it, over the city-to-city relay, every time it is used: only that city knows whether it has been
/// revoked. The hub checks too, but a 本籍地 does not take a hub's word for it. When the card's city cannot be asked
/// (no relay, or it does not answer), the card is refused: the side that shows less.
public struct ForeignCards: Sendable {
    let database: MadoguchiDatabase
    let relay: (any WideAreaRelay)?

    public init(database: MadoguchiDatabase, relay: (any WideAreaRelay)?) {
        self.database = database
        self.relay = relay
    }

    /// Returns when the card is this city's own, or its own city says it is good; throws the coded refusal otherwise.
    public func check(serial: String) async throws {
        let city = try await Honseki.cardCity(database, serial: serial)
        guard let city else { return }
        let unavailable = MadoguchiError(
            .cardStatusUnavailable, ja: "カードの発行元で失効状態を確認できません。しばらくしてからお試しください",
            en: "The card's status cannot be checked with the city that issued it; please try again later")
        guard let relay else { throw unavailable }
        let answer: RelayedCardStatus
        do { answer = try await relay.cardStatus(serial: serial, city: city) } catch { throw unavailable }
        switch answer.status {
        case "good": return
        case "revoked":
            throw MadoguchiError(
                .cardRevoked, ja: "この電子証明書は発行元の市区町村で失効しています", en: "This card certificate is revoked by the city that issued it")
        case "expired":
            throw MadoguchiError(.cardExpired, ja: "電子証明書の有効期限が切れています", en: "The card certificate has expired")
        default:
            throw MadoguchiError(.cardUnknown, ja: "発行元に記録のない電子証明書です", en: "The issuing city has no record of this card")
        }
    }
}

extension MadoguchiError.Code {
    public static let cardStatusUnavailable = Self("card.statusUnavailable")
}

extension WideAreaService {
    /// This city's word on a card it issued, for a 本籍地 asking over the relay: only the status.
    public func cardStatus(serial: String) async throws -> RelayedCardStatus {
        let today = JapanTime.date(of: clock.now())
        let status = try await issuance.database.cards.status(serial: serial, on: today)
        return RelayedCardStatus(serial: serial, status: status.status)
    }
}
