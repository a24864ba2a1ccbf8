import Foundation
public import Postgres

extension CaseworkStore {
    /// Stores validated complaints of `source` from a bulk import: COPY into a temporary
    /// staging table, then `intake_insert` (the statement every intake path uses) from it, in
    /// one transaction. Idempotent: complaints stored before count as existing. The caller has
    /// checked the categories and made external ids unique.
    /// - Returns: how many were created and how many existed already.
    public func importBatch(_ complaints: [NewCase], source: String, on connection: PostgresConnection) throws -> (created: Int, existing: Int) {
        guard !complaints.isEmpty else { return (0, 0) }
        return try connection.transaction { connection in
            try connection.executeScript(
                """
                SET LOCAL client_min_messages = warning;
                CREATE TEMP TABLE IF NOT EXISTS import_rows (
                    n integer, external_id text, category text, area text, title text, description text, channel text,
                    citizen_name text, citizen_phone text, address text, latitude double precision, longitude double precision,
                    priority text, received_at timestamptz, attributes jsonb, media_url text
                ) ON COMMIT DELETE ROWS;
                """)
            _ = try connection.copyFrom("COPY import_rows FROM STDIN") { writer in
                for (index, complaint) in complaints.enumerated() {
                    let attributes = try complaint.attributes.map { try PostgresJSONB(encoding: $0) }
                    try writer.writeRow(
                        index + 1, complaint.externalID, complaint.category, complaint.area, complaint.title, complaint.description,
                        complaint.channel, complaint.citizenName, complaint.citizenPhone, complaint.address, complaint.latitude,
                        complaint.longitude, complaint.priority, complaint.receivedAt, attributes, complaint.mediaURL)
                }
            }
            let row = try connection.query(
                """
                SELECT count(*), (SELECT count(*) FROM import_rows) - count(*)
                FROM intake_insert(\(source), ARRAY(
                    SELECT ROW(external_id, category, area, title, description, channel, citizen_name, citizen_phone, address,
                               latitude, longitude, priority, received_at, attributes, media_url)::intake_case
                    FROM import_rows ORDER BY n))
                """)[0]
            return (try row.decode(Int.self, at: 0), try row.decode(Int.self, at: 1))
        }
    }
}
