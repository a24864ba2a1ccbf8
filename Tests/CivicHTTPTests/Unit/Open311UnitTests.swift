@testable import CivicHTTP
import Foundation
import Testing

@Suite("Open311 forms and documents")
struct Open311UnitTests {
    @Test("urlencoded forms decode +, %-escapes, repeats and attribute[CODE][]")
    func forms() throws {
        let fields = try FormFields(urlEncoded: "a=1&b=x+y&c=%E6%B0%B4&attribute[t]=night&attribute[m][]=1&attribute[m][]=2&empty=&a=2")
        #expect(fields["a"] == "1" && fields.all("a") == ["1", "2"] && fields["b"] == "x y" && fields["c"] == "水")
        #expect(fields["empty"] == nil, "an empty value counts as not given")
        #expect(fields.attributes == ["t": ["night"], "m": ["1", "2"]])
        #expect(throws: FormFields.Malformed.self) { try FormFields(urlEncoded: "a=%E6%B0") }
    }

    @Test("XML escapes markup and drops characters XML cannot carry; JSON escapes controls")
    func rendering() {
        let node = Open311Node.list(item: "request", [.element([("description", .text("<b>&\"x\"\u{1}</b>")), ("lat", .number(30.5)), ("id", .number(7)), ("none", .text(nil))])])
        #expect(node.xml(root: "service_requests") == #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
            + "<service_requests><request><description>&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;</description><lat>30.5</lat><id>7</id><none/></request></service_requests>")
        #expect(node.json == #"[{"description":"<b>&\"x\"\u0001</b>","lat":30.5,"id":7,"none":null}]"#)
    }
}
