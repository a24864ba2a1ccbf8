import ArgumentParser
import Casework
import Foundation
import Postgres

/// `civicq departments import|export`, `civicq categories import`, `civicq calendar import`:
/// the reference data, from YAML files (formats in docs/casework.md and deploy/examples/).
struct DepartmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "departments",
        abstract: "Import or export the department tree and its people (YAML).",
        subcommands: [Import.self, Export.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add and update departments and people from FILE; departments not in it become inactive.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A YAML file, or - for standard input.") var file: String

        func run() async throws {
            try await CommandFailure.guarding {
                let parsed = try DirectoryFile.parse(try InputFile.read(file))
                let (departments, deactivated, people) = try await global.withStore { try $1.importDepartments(parsed, on: $0) }
                print(Spoken.say("\(departments) departments imported, \(deactivated) deactivated, \(people) people added or updated",
                                 "已导入 \(departments) 个部门，停用 \(deactivated) 个，添加或更新 \(people) 人"))
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the active departments and people as YAML that import reads back.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await CommandFailure.guarding {
                let file = try await global.withStore { try $1.exportDepartments(on: $0) }
                print(try file.yaml(), terminator: "")
            }
        }
    }
}

struct CategoriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "categories",
        abstract: "Import categories and clock policies (YAML).",
        subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add and update categories and clock policies from FILE.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A YAML file, or - for standard input.") var file: String

        func run() async throws {
            try await CommandFailure.guarding {
                let parsed = try CategoriesFile.parse(try InputFile.read(file))
                let counts = try await global.withStore { try $1.importCategories(parsed, on: $0) }
                print(Spoken.say("\(counts.categories) categories and \(counts.policies) clock policies imported",
                                 "已导入 \(counts.categories) 个类别和 \(counts.policies) 条时限规则"))
            }
        }
    }
}

struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Import holidays and make-up working days (YAML).",
        subcommands: [Import.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace the holidays and make-up days of the years FILE covers.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A YAML file, or - for standard input.") var file: String

        func run() async throws {
            try await CommandFailure.guarding {
                let parsed = try CalendarFile.parse(try InputFile.read(file))
                let days = try await global.withStore { try $1.importCalendar(parsed, on: $0) }
                print(Spoken.say("\(days) calendar days imported", "已导入 \(days) 个日历日"))
            }
        }
    }
}
