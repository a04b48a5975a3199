import AgnesData
import DuckDB
import Foundation

/// Generates the demo source: realistic parquet files for the `local` source, made by DuckDB.
/// `orders` (1,000,000 rows), `customers` (10,000) and `events` (5,000,000), with dates, timestamps,
/// decimals, categories and NULLs.
public enum DemoData {
    /// Row counts of the generated tables.
    public struct Size: Sendable {
        /// Orders rows.
        public var orders: Int
        /// Customers rows.
        public var customers: Int
        /// Events rows.
        public var events: Int

        /// The demo's full size.
        public static let full = Size(orders: 1_000_000, customers: 10_000, events: 5_000_000)

        /// The full size scaled by `fraction` (0 < fraction ≤ 1), at least 10 rows a table.
        public static func scaled(_ fraction: Double) -> Size {
            func rows(_ full: Int) -> Int { max(10, Int((Double(full) * fraction).rounded())) }
            return Size(orders: rows(full.orders), customers: rows(full.customers), events: rows(full.events))
        }

        /// Creates a size.
        public init(orders: Int, customers: Int, events: Int) {
            self.orders = orders
            self.customers = customers
            self.events = events
        }
    }

    /// Writes `customers.parquet`, `orders.parquet` and `events.parquet` into `directory`. Blocking.
    public static func generate(into directory: URL, size: Size = .full) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let connection = try Database(options: ["threads": "2"]).connect()
        try connection.execute("SELECT setseed(0.42)")
        let statements = [
            (
                "customers",
                """
                SELECT
                    range + 1 AS customer_id,
                    'Customer ' || lpad((range + 1)::VARCHAR, 5, '0') AS name,
                    'customer' || (range + 1) || '@example.com' AS email,
                    (['CZ', 'DE', 'US', 'GB', 'FR', 'PL', 'SK', 'AT'])[1 + (hash(range) % 8)::INTEGER] AS country,
                    (['enterprise', 'mid-market', 'smb', 'self-serve'])[1 + (hash(range * 7) % 4)::INTEGER] AS segment,
                    DATE '2019-01-01' + (hash(range * 13) % 2000)::INTEGER AS signup_date,
                    CASE WHEN range % 11 = 0 THEN NULL ELSE (hash(range * 17) % 100000)::DECIMAL(12, 2) / 10 END AS lifetime_value,
                    range % 9 <> 0 AS is_active
                FROM range(\(size.customers))
                """
            ),
            (
                "orders",
                """
                SELECT
                    range + 1 AS order_id,
                    1 + (hash(range) % \(size.customers))::BIGINT AS customer_id,
                    TIMESTAMP '2022-01-01 00:00:00' + to_seconds((hash(range * 3) % (3 * 365 * 86400))::BIGINT) AS ordered_at,
                    (['new', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'])[1 + (hash(range * 5) % 6)::INTEGER] AS status,
                    (['electronics', 'books', 'home', 'garden', 'toys', 'fashion', 'sports', 'food'])[1 + (hash(range * 11) % 8)::INTEGER] AS category,
                    1 + (hash(range * 19) % 5)::INTEGER AS quantity,
                    ((hash(range * 23) % 50000) / 100.0 + 1)::DECIMAL(10, 2) AS unit_price,
                    (['EUR', 'USD', 'CZK'])[1 + (hash(range * 29) % 3)::INTEGER] AS currency,
                    CASE WHEN range % 7 = 0 THEN NULL ELSE (['web', 'mobile', 'partner', 'store'])[1 + (hash(range * 31) % 4)::INTEGER] END AS channel,
                    CASE WHEN range % 13 = 0 THEN (hash(range) % 30)::DECIMAL(4, 1) ELSE NULL END AS discount_pct
                FROM range(\(size.orders))
                """
            ),
            (
                "events",
                """
                SELECT
                    range + 1 AS event_id,
                    CASE WHEN range % 10 = 0 THEN NULL ELSE 1 + (hash(range) % \(size.customers))::BIGINT END AS customer_id,
                    TIMESTAMP '2024-01-01 00:00:00' + to_seconds((hash(range * 3) % (365 * 86400))::BIGINT) AS occurred_at,
                    (['page_view', 'search', 'add_to_cart', 'checkout', 'login', 'logout', 'signup'])[1 + (hash(range * 7) % 7)::INTEGER] AS event_type,
                    '/' || (['home', 'product', 'cart', 'search', 'account', 'help'])[1 + (hash(range * 11) % 6)::INTEGER] AS page,
                    (['chrome', 'firefox', 'safari', 'edge', 'app'])[1 + (hash(range * 13) % 5)::INTEGER] AS client,
                    (hash(range * 17) % 5000)::INTEGER AS duration_ms,
                    CASE WHEN range % 4 = 0 THEN NULL ELSE 'sess-' || (range // 20) END AS session_id
                FROM range(\(size.events))
                """
            ),
        ]
        for (name, sql) in statements {
            let target = directory.appendingPathComponent("\(name).parquet")
            // Inputs of the local source, not table data: replaced in place, without versions.
            _ = try Publisher(keepsVersions: false).publish(to: target) { temporary in
                try connection.execute(
                    "COPY (\(sql)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 245760)"
                )
            }
        }
    }
}
