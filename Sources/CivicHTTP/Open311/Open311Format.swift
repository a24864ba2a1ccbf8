import Hummingbird
import NIOCore

/// The two formats of Open311, chosen by the URL's suffix (`services.xml`, `requests/7.json`).
enum Open311Format: String, Sendable {
    case xml
    case json

    var mediaType: String {
        switch self {
        case .xml: "text/xml; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        }
    }

    /// `name.ext` split into the name and its format; nil when the suffix is neither.
    static func split(_ file: String) -> (name: String, format: Open311Format)? {
        guard let dot = file.lastIndex(of: ".") else { return nil }
        guard let format = Open311Format(rawValue: file[file.index(after: dot)...].lowercased()) else { return nil }
        return (String(file[..<dot]), format)
    }

    /// `node` as this format's document, XML with root element `root`.
    func response(_ node: Open311Node, root: String, status: HTTPResponse.Status = .ok) -> Response {
        let text = self == .json ? node.json : node.xml(root: root)
        return Response(status: status, headers: [.contentType: mediaType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// An Open311 error: the status (400, 403 or 404, as the spec asks) and the error list
/// (`<errors><error><code/><description/></error></errors>`, or a bare JSON array).
struct Open311Failure: Error, Sendable {
    let status: HTTPResponse.Status
    let errors: [(code: Int, description: String)]

    init(_ status: HTTPResponse.Status, _ descriptions: [String]) {
        self.status = status
        self.errors = descriptions.map { (status.code, $0) }
    }

    init(_ status: HTTPResponse.Status, _ description: String) {
        self.init(status, [description])
    }

    func response(in format: Open311Format) -> Response {
        let list = Open311Node.list(item: "error", errors.map { .element([("code", .number(Double($0.code))), ("description", .text($0.description))]) })
        return format.response(list, root: "errors", status: status)
    }
}
