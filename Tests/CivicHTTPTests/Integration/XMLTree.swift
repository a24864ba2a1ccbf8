import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML document for assertions: element names, children and text.
final class XMLTree: NSObject, XMLParserDelegate {
    final class Element {
        let name: String
        var children: [Element] = []
        var text = ""
        init(name: String) { self.name = name }

        func child(_ name: String) -> Element? { children.first { $0.name == name } }
        func all(_ name: String) -> [Element] { children.filter { $0.name == name } }
    }

    private var stack: [Element] = []
    private(set) var root: Element?

    /// The document in `text`, or nil when it is not well-formed XML.
    static func parse(_ text: String) -> Element? {
        let tree = XMLTree()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = tree
        return parser.parse() ? tree.root : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let element = Element(name: name)
        stack.last?.children.append(element)
        if stack.isEmpty { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}
