/// Where a sheet is in its review: 担当 → 課長 → 部長 → 外部評価 → 公表.
public enum ReviewStage: String, Sendable, Codable, CaseIterable {
    /// 担当が作成中
    case draft
    /// 課長確認待ち
    case sectionChief
    /// 部長確認待ち
    case director
    /// 外部評価待ち
    case externalReview
    /// 公表済み
    case published

    public var japanese: String {
        switch self {
        case .draft: "担当（作成中）"
        case .sectionChief: "課長確認"
        case .director: "部長確認"
        case .externalReview: "外部評価"
        case .published: "公表"
        }
    }

    /// The role that acts on a sheet at this stage.
    public var actor: ReviewRole {
        switch self {
        case .draft: .staff
        case .sectionChief: .sectionChief
        case .director: .director
        case .externalReview: .externalReviewer
        case .published: .staff
        }
    }
}

/// Who acts in the review.
public enum ReviewRole: String, Sendable, Codable, CaseIterable {
    /// 担当
    case staff
    /// 課長
    case sectionChief
    /// 部長
    case director
    /// 外部評価委員
    case externalReviewer

    public var japanese: String {
        switch self {
        case .staff: "担当"
        case .sectionChief: "課長"
        case .director: "部長"
        case .externalReviewer: "外部評価委員"
        }
    }
}

/// What can be done to a sheet in review.
public enum ReviewAction: String, Sendable, Codable, CaseIterable {
    /// 担当が課長へ提出する
    case submit
    /// 承認して次の段階へ送る（外部評価の承認で公表）
    case approve
    /// 差し戻す（担当へ）
    case sendBack
    /// 公表後に改訂を始める（作成中に戻す。公表版はそのまま残る）
    case reopen

    public var japanese: String {
        switch self {
        case .submit: "提出"
        case .approve: "承認"
        case .sendBack: "差戻し"
        case .reopen: "改訂開始"
        }
    }
}

/// The transition table of the review, checked in one place.
public enum ReviewWorkflow {
    /// The stage an action leads to, or an error saying why it is not allowed.
    public static func next(from stage: ReviewStage, action: ReviewAction, by role: ReviewRole) throws -> ReviewStage {
        let to: ReviewStage? =
            switch (stage, action) {
            case (.draft, .submit): .sectionChief
            case (.sectionChief, .approve): .director
            case (.director, .approve): .externalReview
            case (.externalReview, .approve): .published
            case (.sectionChief, .sendBack), (.director, .sendBack), (.externalReview, .sendBack): .draft
            case (.published, .reopen): .draft
            default: nil
            }
        guard let to else {
            throw MadoguchiError(
                .reviewNotAllowed, ja: "「\(stage.japanese)」の評価票には「\(action.japanese)」はできません",
                en: "A sheet at \(stage.rawValue) cannot be given \(action.rawValue)")
        }
        guard role == stage.actor else {
            throw MadoguchiError(
                .reviewWrongRole, ja: "「\(stage.japanese)」の段階で\(action.japanese)できるのは\(stage.actor.japanese)です",
                en: "At \(stage.rawValue) only the \(stage.actor.rawValue) can \(action.rawValue)")
        }
        return to
    }

    /// Whether a sheet at this stage may be edited: only while the 担当 has it.
    public static func isEditable(_ stage: ReviewStage) -> Bool { stage == .draft }

    /// Separation of duties: within one round of review (from the 担当's submission on), 担当, 課長, 部長 and 外部評価 are
    /// four different people. `earlier` are the accounts that acted in this round so far.
    public static func checkSeparation(account: String, action: ReviewAction, earlier: [String]) throws {
        guard action == .approve, earlier.contains(account) else { return }
        throw MadoguchiError(
            .reviewSamePerson, ja: "同じ職員が進行管理の二つの段階を担うことはできません（\(account)）",
            en: "One person cannot act at two stages of one review (\(account))")
    }
}

extension ReviewRole {
    /// The staff role that acts as this review role.
    public var staffRole: StaffRole {
        switch self {
        case .staff: .planner
        case .sectionChief: .sectionChief
        case .director: .director
        case .externalReviewer: .externalReviewer
        }
    }
}

extension MadoguchiError.Code {
    public static let reviewNotAllowed = Self("sheet.review.notAllowed")
    public static let reviewWrongRole = Self("sheet.review.wrongRole")
    public static let reviewCommentRequired = Self("sheet.review.commentRequired")
    public static let reviewSamePerson = Self("sheet.review.samePerson")
    public static let sheetNotEditable = Self("sheet.notEditable")
    public static let sheetVersionConflict = Self("sheet.versionConflict")
}
