import CCairo
import CRsvg
import Foundation

/// What every page we write shares: A4 in points, the three IPA fonts, alignment, and reading an SVG (a registered
/// 印影) with librsvg. The pages themselves are written by `DirectCanvas` (certificates since issue 15 item 1, sheets
/// since item 4); the cairo + Pango canvas that drew them before is gone.
enum PDFCanvas {
    static let width = 595.28
    static let height = 841.89

    enum Font: String {
        /// Names: MJ characters and their IVS
        case mj = "IPAmjMincho"
        case mincho = "IPAexMincho"
        case gothic = "IPAexGothic"
    }

    enum Align { case left, center, right }

    /// Draws an SVG with librsvg on a cairo context, fitted into `viewport`; an SVG it cannot read is an error.
    static func draw(svg bytes: [UInt8], on cr: OpaquePointer, in viewport: RsvgRectangle) throws {
        var error: UnsafeMutablePointer<GError>?
        guard let handle = bytes.withUnsafeBufferPointer({ rsvg_handle_new_from_data($0.baseAddress, gsize($0.count), &error) })
        else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "unreadable SVG"
            if let error { g_error_free(error) }
            throw DocumentError.rendering("seal image: \(message)")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(handle)) }
        var viewport = viewport
        guard rsvg_handle_render_document(handle, cr, &viewport, &error) != 0 else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "cannot render"
            if let error { g_error_free(error) }
            throw DocumentError.rendering("seal image: \(message)")
        }
    }

}

public enum DocumentError: Error, CustomStringConvertible {
    case rendering(String)

    public var description: String {
        switch self {
        case .rendering(let m): "PDF rendering failed: \(m)"
        }
    }
}
