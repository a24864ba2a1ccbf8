import ArgumentParser
import Casework
import Foundation
import Postgres

extension CaseCommand {
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take in a complaint by hand (hotline office; intake systems use the HTTP API or SQL).",
            discussion: """
                The same source and external id twice gives the existing case, never a second one. \
                A person of the hotline office (dispatcher or admin) submits as themselves, or with --as.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var casework: CaseworkOptions
        @Option(help: "The intake system.") var source = "cli"
        @Option(help: "Its id for the complaint (default: a new UUID).") var externalId: String?
        @Option(help: "Category code.") var category: String
        @Option(help: "Area code.") var area: String
        @Option(help: "Title.") var title: String
        @Option(help: "Description.") var description: String
        @Option(help: "phone, web, app, wechat, sms, email, letter, open311 or other.") var channel = "phone"
        @Option(help: "Citizen's name.") var name: String?
        @Option(help: "Citizen's phone.") var phone: String?
        @Option(help: "Address.") var address: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandFailure.guarding {
                let complaint = NewCase(
                    source: source, externalID: externalId ?? UUID().uuidString.lowercased(), category: category, area: area,
                    title: title, description: description, channel: channel, citizenName: name, citizenPhone: phone, address: address)
                let result = try await casework.run(global) { try $1.submitByHand(complaint, on: $0) }
                if json {
                    print(JSONOutput.render(["case": result.id, "created": result.created ? 1 : 0]))
                } else {
                    print(result.created ? Spoken.say("case \(result.id) received; routing follows", "案件 \(result.id) 已受理，随后派单")
                                         : Spoken.say("already received as case \(result.id)", "已作为案件 \(result.id) 受理过"))
                }
            }
        }
    }
}
