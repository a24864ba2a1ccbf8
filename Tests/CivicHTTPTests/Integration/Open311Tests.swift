import Casework
import CivicHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Postgres
import TestSupport
import Testing

@Suite("Open311 GeoReport v2 (PostgreSQL)")
struct Open311Tests {
    static let base = "/open311/v2"

    func form(_ fixture: IntakeFixture, _ path: String, _ body: String, contentType: String = "application/x-www-form-urlencoded") async throws -> IntakeFixture.Answer {
        try await fixture.send(.post, Self.base + path, json: body, contentType: contentType)
    }

    static func noise(_ key: String, extra: String = "") -> String {
        "api_key=\(key)&service_code=030101&lat=30.59&long=114.30&description=%E5%B7%A5%E5%9C%B0%E5%A4%9C%E9%97%B4%E6%96%BD%E5%B7%A5&attribute[time_of_day]=night&first_name=%E4%B8%89&last_name=%E5%BC%A0&phone=13800000000\(extra)"
    }

    @Test("discovery, services and service definitions in both formats, with the spec's element names")
    func discoveryAndServices() async throws {
        try await IntakeFixture.run { fixture in
            let discovery = try await fixture.send(.get, Self.base + "/discovery.json")
            #expect(discovery.headers[.contentType] == "application/json; charset=utf-8")
            #expect(discovery.body?["endpoints"].map { if case .array(let e) = $0 { e.count } else { 0 } } == 1)
            let discoveryXML = try #require(XMLTree.parse(try await fixture.send(.get, Self.base + "/discovery.xml").text))
            #expect(discoveryXML.name == "discovery")
            #expect(discoveryXML.child("endpoints")?.child("endpoint")?.child("formats")?.all("format").map(\.text) == ["text/xml", "application/json"])

            let services = try await fixture.send(.get, Self.base + "/services.json")
            guard case .array(let list)? = services.body else { Issue.record("not a bare array: \(services.text)"); return }
            let noise = try #require(list.first { $0["service_code"]?.stringValue == "030101" })
            #expect(noise["metadata"]?.boolValue == true && noise["type"]?.stringValue == "realtime" && noise["group"]?.stringValue == "生态环境")
            #expect(!list.contains { $0["service_code"]?.stringValue == "03" }, "only leaf categories are services")
            let xml = try #require(XMLTree.parse(try await fixture.send(.get, Self.base + "/services.xml").text))
            #expect(xml.name == "services" && xml.all("service").count == list.count)
            #expect(xml.all("service").first?.children.map(\.name) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"])

            let definition = try await fixture.send(.get, Self.base + "/services/030101.json")
            #expect(definition.body?["service_code"]?.stringValue == "030101")
            let definitionXML = try #require(XMLTree.parse(try await fixture.send(.get, Self.base + "/services/030101.xml").text))
            let attribute = try #require(definitionXML.child("attributes")?.all("attribute").first)
            #expect(attribute.child("code")?.text == "time_of_day" && attribute.child("required")?.text == "true")
            #expect(attribute.child("values")?.all("value").compactMap { $0.child("key")?.text } == ["night", "day", "all_day"])

            let unknown = try await fixture.send(.get, Self.base + "/services/999999.xml")
            #expect(unknown.status == .notFound)
            let errors = try #require(XMLTree.parse(unknown.text))
            #expect(errors.name == "errors" && errors.child("error")?.child("code")?.text == "404")
            #expect(try await fixture.send(.get, Self.base + "/services.csv").status == .notFound)
            #expect(try await fixture.send(.get, Self.base + "//services.json").status == .ok, "a base URL with a trailing slash still works")
        }
    }

    @Test("a request is submitted with a key, answered in both formats, found again, and a retry makes no duplicate")
    func submitAndRead() async throws {
        try await IntakeFixture.run { fixture in
            let posted = try await form(fixture, "/requests.json", Self.noise(fixture.key))
            #expect(posted.status == .created)
            guard case .array(let items)? = posted.body, let id = items.first?["service_request_id"]?.stringValue else {
                Issue.record("no id: \(posted.text)"); return
            }
            #expect(items.first?["token"] == nil)
            let retry = try await form(fixture, "/requests.xml", Self.noise(fixture.key))
            #expect(retry.status == .ok)
            #expect(XMLTree.parse(retry.text)?.child("request")?.child("service_request_id")?.text == id)
            #expect(try await fixture.count("SELECT count(*) FROM cases WHERE channel = 'open311' AND source = 'hotline'") == 1)
            #expect(try await fixture.count("SELECT count(*) FROM cases WHERE attributes->>'time_of_day' = 'night' AND citizen_name = '张 三'") == 1)

            let one = try await fixture.send(.get, Self.base + "/requests/\(id).json")
            guard case .array(let only)? = one.body else { Issue.record("not an array of one: \(one.text)"); return }
            #expect(only.count == 1 && only[0]["status"]?.stringValue == "open" && only[0]["service_code"]?.stringValue == "030101")
            #expect(only[0]["description"] == .null, "without the submitting key, the description is not public")
            #expect(!one.text.contains("13800000000"))
            let own = try await fixture.send(.get, Self.base + "/requests/\(id).json?api_key=\(fixture.key)")
            #expect(own.text.contains("工地夜间施工"))
            let oneXML = try #require(XMLTree.parse(try await fixture.send(.get, Self.base + "/requests/\(id).xml").text))
            #expect(oneXML.name == "service_requests" && oneXML.all("request").count == 1)
            #expect(oneXML.child("request")?.child("requested_datetime")?.text.hasSuffix("Z") == true)

            let search = try await fixture.send(.get, Self.base + "/requests.json?status=open&service_code=030101,010202&jurisdiction_id=")
            guard case .array(let found)? = search.body else { Issue.record("not an array: \(search.text)"); return }
            #expect(found.map { $0["service_request_id"]?.stringValue } == [id])
            let closed = try await fixture.send(.get, Self.base + "/requests.json?status=closed")
            #expect(closed.body == .array([]))
            let byID = try await fixture.send(.get, Self.base + "/requests.xml?service_request_id=\(id),999999&status=closed")
            #expect(XMLTree.parse(byID.text)?.all("request").count == 1, "service_request_id overrides the other filters")
            let token = try await fixture.client.withConnection { try $0.query("SELECT external_id FROM cases").scalar(String.self) ?? "" }
            let tokenAnswer = try await fixture.send(.get, Self.base + "/tokens/\(token).json")
            #expect(tokenAnswer.text.contains(#""service_request_id":"\#(id)""#))
            #expect(try await fixture.send(.get, Self.base + "/tokens/nothing.xml").status == .notFound)
        }
    }

    @Test("a multipart form with a photo is accepted; the photo is not kept")
    func multipart() async throws {
        try await IntakeFixture.run { fixture in
            let boundary = "civicq-test-boundary"
            func part(_ name: String, _ value: String) -> String {
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            let body = part("api_key", fixture.key) + part("service_code", "010202") + part("address_string", "江岸区沿江大道1号")
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"media\"; filename=\"lamp.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\u{1}\u{2}\u{3}\r\n"
                + "--\(boundary)--\r\n"
            let answer = try await form(fixture, "/requests.json", body, contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(answer.status == .created, "\(answer.text)")
            #expect(try await fixture.count("SELECT count(*) FROM cases WHERE address = '江岸区沿江大道1号'") == 1)
        }
    }

    @Test("errors are lists in the requested format: 403 for keys, 404 for unknown services, 400 for the rest")
    func errors() async throws {
        try await IntakeFixture.run { fixture in
            let noKey = try await form(fixture, "/requests.xml", "service_code=030101&lat=1&long=2")
            #expect(noKey.status == .forbidden && XMLTree.parse(noKey.text)?.child("error")?.child("code")?.text == "403")
            let badKey = try await form(fixture, "/requests.json", "api_key=cq_nope&service_code=030101")
            #expect(badKey.status == .forbidden)
            let queryKey = try await fixture.send(.post, Self.base + "/requests.json?api_key=\(fixture.key)", json: "service_code=999999&lat=1&long=2",
                                                  contentType: "application/x-www-form-urlencoded")
            #expect(queryKey.status == .notFound, "api_key in the query string is accepted too")
            let missing = try await form(fixture, "/requests.json", "api_key=\(fixture.key)&service_code=030101&description=x&phone=abc&media_url=ftp://x")
            #expect(missing.status == .badRequest)
            var messages: [String] = []
            if case .array(let list)? = missing.body { messages = list.compactMap { $0["description"]?.stringValue } }
            #expect(messages.contains { $0.contains("location") } && messages.contains { $0.contains("time_of_day") })
            #expect(messages.contains { $0.hasPrefix("media_url") })
            let wrongValue = try await form(fixture, "/requests.json", Self.noise(fixture.key, extra: "&attribute[time_of_day]=sometimes&attribute[color]=red"))
            #expect(wrongValue.status == .badRequest && wrongValue.text.contains("attribute[color]"))
            let longText = String(repeating: "%E6%B0%B4", count: 4001)
            let tooLong = try await form(fixture, "/requests.json", "api_key=\(fixture.key)&service_code=010202&lat=1&long=2&description=\(longText)")
            #expect(tooLong.status == .badRequest && tooLong.text.contains("description"))
            let window = try await fixture.send(.get, Self.base + "/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z")
            #expect(window.status == .badRequest && window.text.contains("90 days"))
            #expect(try await fixture.send(.get, Self.base + "/requests/abc.json").status == .notFound)
            #expect(try await fixture.count("SELECT count(*) FROM cases") == 0)
        }
    }

    @Test("a jurisdiction other than the configured one is 404; an empty one is ignored")
    func jurisdiction() async throws {
        try await IntakeFixture.run(configure: { $0.open311.jurisdiction = "jiangcheng.gov.cn" }) { fixture async throws in
            #expect(try await fixture.send(.get, Self.base + "/services.json?jurisdiction_id=other.gov.cn").status == .notFound)
            #expect(try await fixture.send(.get, Self.base + "/services.json?jurisdiction_id=").status == .ok)
            #expect(try await fixture.send(.get, Self.base + "/services.json?jurisdiction_id=jiangcheng.gov.cn").status == .ok)
        }
    }
}
