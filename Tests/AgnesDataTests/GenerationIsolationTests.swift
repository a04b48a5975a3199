import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Testing

/// A generation is a snapshot: after a swap new work sees the new data, while work bound on the old
/// generation finishes on the old data, even when the parquet file under the table's name was replaced.
@Suite struct GenerationIsolationTests {
    /// Rows of the `orders` table in round `round`: big and small alternate, so that a reader mixing
    /// the metadata of one version with the bytes of the next fails loudly.
    static func rows(_ round: Int) -> Int { round % 2 == 0 ? 200_000 + round : 7 + round }

    static func ordersSQL(_ rows: Int) -> String { "SELECT range AS id FROM range(\(rows))" }

    /// Count and sum of ids, reading `orders` twice (a self-join), as the old generation must answer it.
    static func expected(_ rows: Int) -> [DuckDBValue] {
        [.bigint(Int64(rows)), .bigint(Int64(rows) * Int64(rows - 1) / 2)]
    }

    @Test func aStatementPreparedBeforeARepublishFinishesOnItsGeneration() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("sales", tables: ["orders": Self.ordersSQL(Self.rows(0))])
        _ = try await fixture.orchestrator.rebuild()
        for round in 0..<20 {
            let old = try #require(fixture.analytics.generation)
            let (prepared, preparedSignal) = AsyncStream<Void>.makeStream()
            let republished = DispatchSemaphore(value: 0)
            let running = Task {
                try await old.pool.withConnection { connection in
                    let statement = try connection.prepare(
                        "SELECT count(*), sum(a.id)::BIGINT FROM orders a JOIN orders b USING (id)")
                    preparedSignal.yield()
                    guard republished.wait(timeout: .now() + 120) == .success else {
                        throw DuckDBError(.timeout, "the test never republished")
                    }
                    return [try statement.query().rows[0], try statement.query().rows[0]]
                }
            }
            for await _ in prepared { break }
            try fixture.writeSource("sales", tables: ["orders": Self.ordersSQL(Self.rows(round + 1))])
            let result = try await fixture.orchestrator.rebuild()
            republished.signal()
            let answers = try await running.value
            #expect(result.generation == old.number + 1)
            #expect(answers == [Self.expected(Self.rows(round)), Self.expected(Self.rows(round))], "round \(round)")
            // New work on the old generation still reads the old snapshot; the current one reads the new.
            let again = try await old.pool.withConnection { try $0.query("SELECT count(*) FROM orders").rows[0][0] }
            #expect(again == .bigint(Int64(Self.rows(round))), "round \(round)")
            #expect(try await fixture.count("orders") == Self.rows(round + 1), "round \(round)")
        }
    }
}
