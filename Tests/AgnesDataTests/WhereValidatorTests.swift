import AgnesCore
import DuckDB
import Foundation
import Testing

@testable import AgnesData

/// The scan WHERE validator: a corpus of attacks and mistakes it must refuse (with the right kind),
/// and predicates it must accept and answer correctly once re-rendered.
@Suite struct WhereValidatorTests {
    static let longPattern = String(repeating: "a", count: 300)
    static let deepNot = String(repeating: "NOT ", count: 80) + "TRUE"

    static let rejected: [(String, ScanRejection.Kind)] = [
        // Subqueries reading other tables, files or the catalog.
        ("id IN (SELECT id FROM secrets)", .nestedSelect),
        ("EXISTS (SELECT 1 FROM secrets)", .nestedSelect),
        ("id = (SELECT max(id) FROM orders)", .nestedSelect),
        ("id IN (FROM secrets)", .nestedSelect),
        ("(SELECT count(*) FROM read_csv('/etc/passwd')) > 0", .nestedSelect),
        ("id = ANY([1, 2])", .nestedSelect),
        // Table functions and functions reaching outside the row.
        ("read_csv('/etc/passwd') IS NOT NULL", .unknownFunction),
        ("read_parquet('orders.parquet') IS NULL", .unknownFunction),
        ("read_text('/etc/hosts') IS NULL", .unknownFunction),
        ("glob('/*') IS NULL", .unknownFunction),
        ("query('SELECT * FROM secrets') IS NOT NULL", .unknownFunction),
        ("\"query\"('SELECT ' || 'secret FROM secrets') IS NULL", .unknownFunction),
        ("query_table('secrets') IS NULL", .unknownFunction),
        ("getvariable('x') = 1", .unknownFunction),
        ("current_setting('threads') = 1", .unknownFunction),
        ("pragma_table_info('secrets') IS NULL", .unknownFunction),
        ("duckdb_tables() IS NULL", .unknownFunction),
        ("main.lower(status) = 'paid'", .unknownFunction),
        ("list_transform([1], x -> x) = [1]", .unknownFunction),
        // Aggregates and window functions.
        ("count(*) > 0", .unknownFunction),
        ("sum(amount) > 10", .unknownFunction),
        ("row_number() OVER () = 1", .disallowedNode),
        // More than one statement, and clauses after the predicate.
        ("1=1; DROP TABLE orders", .multiStatement),
        ("1=1; SELECT * FROM secrets", .multiStatement),
        ("id = 1 UNION SELECT * FROM secrets", .disallowedNode),
        ("id = 1 ORDER BY id", .disallowedNode),
        ("id = 1 LIMIT 1", .disallowedNode),
        ("id = 1 GROUP BY id", .disallowedNode),
        ("id = 1 QUALIFY TRUE", .disallowedNode),
        // Parameters, stars, positional references, odd literals and casts.
        ("id = ?", .disallowedNode),
        ("id = $1", .disallowedNode),
        ("*", .disallowedNode),
        ("COLUMNS(*) = 1", .disallowedNode),
        ("#1 = 1", .disallowedNode),
        ("x'00' = note", .disallowedNode),
        ("CAST(id AS some_type) = 1", .disallowedNode),
        ("id::VARCHAR[] = ['1']", .disallowedNode),
        ("status COLLATE nocase = 'paid'", .disallowedNode),
        ("lower(status := 'x') = 'x'", .disallowedNode),
        ("lower(status ORDER BY id) = 'x'", .disallowedNode),
        ("regexp_matches(status, status)", .disallowedNode),
        ("regexp_matches(status, '\(longPattern)')", .disallowedNode),
        // Columns that are not the table's.
        ("unknown_column = 1", .unknownColumn),
        ("secret = 'top secret'", .unknownColumn),
        ("secrets.id = 1", .crossTableReference),
        ("main.orders.id = 1", .crossTableReference),
        // Text that does not parse: comments and dollar quotes that never end.
        ("id = 1 /* unterminated", .parseError),
        ("id = 'unterminated", .parseError),
        ("$$ OR 1=1 --", .parseError),
        ("id = ", .parseError),
        // Too big.
        (String(repeating: "id = 1 OR ", count: 1000) + "id = 2", .tooComplex),
        (deepNot, .tooComplex),
    ]

    static let accepted: [(String, [Int])] = [
        ("status = 'paid'", [1, 3]),
        ("lower(status) = 'paid'", [1, 3, 5]),
        ("amount > 40 AND amount < 100", [2, 5]),
        ("id IN (1, 4)", [1, 4]),
        ("id NOT IN (1, 4)", [2, 3, 5]),
        ("amount BETWEEN 10 AND 99", [1, 2, 5]),
        ("note IS NULL", [1, 4]),
        ("note IS NOT NULL AND NOT (status = 'open')", [3, 5]),
        ("status ILIKE 'PA%'", [1, 3, 5]),
        ("status LIKE 'pa%' OR status NOT LIKE '%a%'", [1, 2, 3, 5]),
        ("created_at >= DATE '2024-03-01'", [3, 5]),
        ("year(created_at) = 2023", [4]),
        ("date_trunc('month', created_at) = DATE '2024-03-01'", [3, 5]),
        ("coalesce(note, 'none') = 'none'", [1, 4]),
        ("note = 'it''s'", [3]),
        ("regexp_matches(region, '^(EU|US)$') AND id > 2", [3, 5]),
        ("orders.id = 2", [2]),
        ("lower(REGION) = 'apac' OR upper(\"region\") = 'US'", [2, 4, 5]),
        ("CAST(amount AS INTEGER) = 42", [5]),
        ("starts_with(note, '50') OR contains(note, 'ush')", [2, 5]),
        ("abs(amount - 100) < 2", [2]),
        ("CASE WHEN status = 'open' THEN TRUE ELSE FALSE END", [2]),
        ("created_at < current_date", [1, 2, 3, 4, 5]),
        ("id = 1 - -1", [2]),
        ("strftime(created_at, '%Y-%m') = '2024-02'", [2]),
        ("id = 1 -- trailing comment", [1]),
        ("id = /* inline comment */ 3", [3]),
        ("status = $$paid$$", [1, 3]),
        ("status = 'x' -- '; DROP TABLE orders", []),
        ("note = E'it\\'s'", [3]),
    ]

    @Test func theCorpusIsLargeEnough() {
        #expect(Self.rejected.count >= 30)
        #expect(Self.accepted.count >= 15)
    }

    /// One fixture for the whole corpus (a generation per case would cost seconds).
    @Test func refusesEachWithTheRightKind() async throws {
        let fixture = try await ScanFixture()
        for (predicate, kind) in Self.rejected {
            let rejection = try await fixture.rejection(of: predicate)
            #expect(rejection?.kind == kind, "\(predicate): \(String(describing: rejection))")
            #expect(rejection?.details.isEmpty == false, "\(predicate)")
        }
    }

    @Test func acceptsEachAndAnswersCorrectly() async throws {
        let fixture = try await ScanFixture()
        for (predicate, ids) in Self.accepted {
            do {
                let answer = try await fixture.ids(where: predicate)
                #expect(answer == ids, "\(predicate)")
            } catch {
                Issue.record("\(predicate): \(error)")
            }
        }
    }

    /// Defence in depth: even a predicate the validator wrongly let through could only read `orders`.
    @Test func aScanRunsInASandboxHoldingOnlyItsTable() async throws {
        let fixture = try await ScanFixture()
        let scan = try await fixture.scans.prepare(ScanRequest(tableID: "orders", predicate: "id = 1"), maxLimit: 10)
        #expect(scan.sandbox.tables == ["orders"])
        #expect(
            scan.sql
                == "SELECT \"id\", \"status\", \"amount\", \"created_at\", \"note\", \"Region\" FROM \"orders\" WHERE (\"id\" = 1)"
        )
        await #expect(throws: SandboxError.self) { try await scan.sandbox.run("SELECT * FROM secrets", limit: 1) }
    }

    @Test func rendersFromTheTreeNotTheText() async throws {
        let validator = try WhereValidator()
        let columns = ["id", "status", "Region"]
        #expect(
            try await validator.validate("lower(STATUS) = 'it''s' -- x", table: "orders", columns: columns)
                == "(lower(\"status\") = 'it''s')")
        #expect(
            try await validator.validate("region IN ($$a'b$$, 'c') /* ; DROP */", table: "orders", columns: columns)
                == "(\"Region\" IN ('a''b', 'c'))")
        #expect(
            try await validator.validate("NOT id BETWEEN -1 AND 2.5e1", table: "orders", columns: columns)
                == "(NOT (\"id\" BETWEEN (-1) AND 2.5e1))")
        #expect(
            try await validator.validate(
                "id::VARCHAR(3) = '1' AND TRY_CAST(id AS DECIMAL(10, 2)) > 0", table: "orders",
                columns: columns)
                == "((CAST(\"id\" AS VARCHAR) = '1') AND (TRY_CAST(\"id\" AS DECIMAL(10, 2)) > 0))")
    }

    @Test func columnNamesNeedingQuotesAreQuotedSafely() async throws {
        let validator = try WhereValidator()
        let columns = ["we\"ird name"]
        #expect(
            try await validator.validate("\"we\"\"ird name\" IS NULL", table: "t", columns: columns)
                == "(\"we\"\"ird name\" IS NULL)")
    }

    @Test func aNulCharacterIsRefused() async throws {
        let validator = try WhereValidator()
        await #expect(throws: ScanRejection.self) {
            try await validator.validate("id = 1\0; DROP TABLE t", table: "t", columns: ["id"])
        }
    }

    @Test func numbersAreCheckedDigitByDigit() {
        for good in ["1", "-1", "1_000", "2.5", ".5", "5.", "1e10", "-2.5E-3"] {
            #expect(PredicateRenderer.isNumber(good), "\(good)")
        }
        for bad in ["", "-", "e5", "1e", "1.2.3", "1;", "1 OR 1", "0x10", "1e5e5", "--1"] {
            #expect(!PredicateRenderer.isNumber(bad), "\(bad)")
        }
    }
}
