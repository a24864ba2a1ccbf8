import Casework
import Foundation
import Testing

@Suite("Campaign lists: encodings, Chinese headers, every bad line")
struct LedgerListTests {
    static let text = """
        序号,整改事项,地点,牵头单位,配合单位,完成时限,来源
        A-1,一元路积水点整治,一元路,water,urban；power,2026年12月15日,
        A-2,"路灯不亮,夜间不安全",车站路,power,,2026/12/5,第二轮督察

        """

    @Test func chineseHeadersAndBothEncodingsReadTheSame() throws {
        let utf8 = try LedgerList(bytes: Array(Self.text.utf8))
        let gb = try #require(TextEncoding.gb18030(fromUTF8: Array(Self.text.utf8)))
        #expect(try LedgerList(bytes: gb) == utf8)
        #expect(try LedgerList(bytes: gb, encoding: .gb18030) == utf8)
        // With a BOM, as Excel writes UTF-8.
        #expect(try LedgerList(bytes: [0xEF, 0xBB, 0xBF] + Array(Self.text.utf8), encoding: .utf8) == utf8)
        #expect(utf8.problems.isEmpty)
        #expect(utf8.rows.map(\.line) == [2, 3])
        #expect(utf8.rows.map(\.item) == [
            NewLedgerItem(title: "一元路积水点整治", place: "一元路", lead: "water", assisting: ["urban", "power"], due: "2026-12-15", sourceRef: "A-1"),
            NewLedgerItem(title: "路灯不亮,夜间不安全", place: "车站路", lead: "power", due: "2026-12-05", source: "第二轮督察", sourceRef: "A-2"),
        ])
    }

    @Test func aFileThatCannotBeReadIsRefusedAsAWhole() {
        func refusal(_ bytes: [UInt8], _ encoding: LedgerList.Encoding = .auto) -> String? {
            do {
                _ = try LedgerList(bytes: bytes, encoding: encoding)
                return nil
            } catch {
                return error.description
            }
        }
        let gb = TextEncoding.gb18030(fromUTF8: Array(Self.text.utf8))!
        #expect(refusal(gb, .utf8)?.contains("not UTF-8") == true)
        #expect(refusal([0xFF, 0xFE, 0x00, 0x41])?.contains("neither UTF-8 nor GB18030") == true)
        #expect(refusal([]) == "the file is empty")
        #expect(refusal(Array("title,lead\nx,water\n".utf8)) == "the header has no due column")
        #expect(refusal(Array("title,lead,due,owner\n".utf8))?.contains("does not know: owner") == true)
        #expect(refusal(Array("title,lead,due\n".utf8)) == "the file has a header but no items")
        #expect(refusal(Array("title,lead,due\n\"open,water,2026-12-15\n".utf8)) == "a quote opened on line 2 is never closed")
    }

    @Test func badLinesAreNamedAndBlankLinesSkipped() throws {
        let list = try LedgerList(bytes: Array("title,lead,due\na,water,2026-12-15\n\n,,\nb,water,2026-12-15,extra\n".utf8))
        #expect(list.rows.map(\.line) == [2])
        #expect(list.problems == [ImportFile.Reject(line: 5, reason: "4 fields where the header has 3")])
    }

    @Test func daysAndUnitsAreReadInTheirUsualForms() {
        #expect(LedgerList.normalizedDay("2026/12/5") == "2026-12-05")
        #expect(LedgerList.normalizedDay("2026年1月31日") == "2026-01-31")
        #expect(LedgerList.normalizedDay("2026-12-15") == "2026-12-15")
        #expect(LedgerList.normalizedDay("下周五") == "下周五")
        #expect(LedgerList.units("water、power；urban, desk") == ["water", "power", "urban", "desk"])
    }

    @Test func aLedgerEventsLeafIsItsFieldsInOrder() {
        let event = LedgerLogEvent(id: 7, item: 3, at: "2026-12-02T01:02:03.000004Z", actor: "desk_li", kind: "created",
                                   fromState: nil, toState: "open", department: "desk", note: nil, details: "{\"lead\": \"water\"}",
                                   lead: "water", deadline: "2026-12-15T16:00:00.000000Z")
        let text = String(decoding: event.leafData, as: UTF8.self)
        #expect(text == "civicq-ledger-event/1\n+1:7\n+1:3\n+27:2026-12-02T01:02:03.000004Z\n+7:desk_li\n+7:created\n-\n+4:open\n"
                      + "+4:desk\n-\n+17:{\"lead\": \"water\"}\n+5:water\n+27:2026-12-15T16:00:00.000000Z\n")
        #expect(LogRecord.ledgerEvent(event).leafHash == MerkleHash.leaf(event.leafData))
        #expect(LogRecord.ledgerEvent(event).id == 7)
    }
}
