import Foundation

/// A stored table profile (REFERENCE §5.2's JSON) as values for the `catalog_table` template: the
/// summary, alerts, every column with its completeness, and its distribution as bars for an inline SVG
/// (histograms of numbers and dates, top values, true/false). Only numbers computed here go into SVG
/// attributes; every text goes through the template's escaping.
enum ProfileCharts {
    /// Width and height of a histogram's drawing (its viewBox; the page scales it).
    static let width = 300.0
    static let height = 80.0

    static func view(of profile: [String: Any]) -> [String: Any] {
        let columns = (profile["columns"] as? [[String: Any]]) ?? []
        var view: [String: Any] = [
            "rows": DashboardPage.count(int(profile["row_count"]) ?? 0),
            "column_count": int(profile["column_count"]) ?? columns.count,
            "completeness": percent(double(profile["avg_completeness"])),
            "columns": columns.map(column),
        ]
        if profile["sampled"] as? Bool == true { view["sampled"] = true }
        let alerts = ((profile["alerts"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
        if !alerts.isEmpty { view["alerts"] = alerts.map { ["alert_text": $0] } }
        let names = columns.compactMap { $0["name"] as? String }
        let samples = (profile["sample_rows"] as? [[String: Any]]) ?? []
        if !samples.isEmpty, !names.isEmpty {
            view["has_samples"] = true
            view["sample_header"] = names.map { ["sample_name": $0] }
            view["sample_rows"] = samples.map { row in
                ["sample_cells": names.map { ["sample_cell": text(row[$0]) ?? "∅"] }]
            }
        }
        return view
    }

    static func column(_ column: [String: Any]) -> [String: Any] {
        let name = column["name"] as? String ?? "?"
        let complete = min(max(double(column["completeness_pct"]) ?? 0, 0), 100)
        var view: [String: Any] = [
            "column_name": name, "column_type": column["type"] as? String ?? "",
            "column_complete_text": String(format: "%.1f%%", complete),
            "column_complete_width": String(format: "%.1f", complete),
            "column_unique": DashboardPage.count(int(column["unique_count"]) ?? 0),
        ]
        let alerts = (column["alerts"] as? [String]) ?? []
        if !alerts.isEmpty { view["column_alerts"] = alerts.joined(separator: ", ") }
        if let numeric = column["numeric_stats"] as? [String: Any] {
            view["chart"] = histogram(numeric["histogram"], label: "Distribution of \(name)")
            view["column_range"] = [text(numeric["min"]), text(numeric["max"])].compactMap { $0 }.joined(
                separator: " – ")
        } else if let dates = column["date_stats"] as? [String: Any] {
            view["chart"] = histogram(dates["histogram"], label: "Dates of \(name)")
            view["column_range"] = [text(dates["earliest"]), text(dates["latest"])].compactMap { $0 }
                .joined(separator: " – ")
        } else if let strings = column["string_stats"] as? [String: Any] {
            let top = ((strings["top_values"] as? [[String: Any]]) ?? []).prefix(10)
            if !top.isEmpty {
                view["has_top_values"] = true
                view["top_values"] = top.map { value in
                    let pct = min(max(double(value["pct"]) ?? 0, 0), 100)
                    return [
                        "top_value": text(value["value"]) ?? "∅",
                        "top_count": DashboardPage.count(int(value["count"]) ?? 0),
                        "top_width": String(format: "%.1f", pct), "top_pct": String(format: "%.1f%%", pct),
                    ] as [String: Any]
                }
            }
        } else if let booleans = column["boolean_stats"] as? [String: Any] {
            let share = min(max(double(booleans["true_pct"]) ?? 0, 0), 100)
            view["has_top_values"] = true
            view["top_values"] = [
                [
                    "top_value": "true", "top_count": DashboardPage.count(int(booleans["true_count"]) ?? 0),
                    "top_width": String(format: "%.1f", share), "top_pct": String(format: "%.1f%%", share),
                ],
                [
                    "top_value": "false", "top_count": DashboardPage.count(int(booleans["false_count"]) ?? 0),
                    "top_width": String(format: "%.1f", 100 - share), "top_pct": String(format: "%.1f%%", 100 - share),
                ],
            ]
        }
        return view
    }

    /// Bars scaled to the tallest bin, each with its bin and count as its tooltip; nil without bins.
    static func histogram(_ value: Any?, label: String) -> [String: Any]? {
        guard let histogram = value as? [String: Any] else { return nil }
        let bins = ((histogram["bins"] as? [Any]) ?? []).map { text($0) ?? "" }
        let counts = ((histogram["counts"] as? [Any]) ?? []).map { int($0) ?? 0 }
        let count = min(bins.count, counts.count)
        guard count > 0 else { return nil }
        let tallest = Double(max(counts.prefix(count).max() ?? 0, 1))
        let slot = width / Double(count)
        let bars: [[String: Any]] = (0..<count).map { index in
            let barHeight = (Double(counts[index]) / tallest * (height - 2)).rounded(toPlaces: 1)
            return [
                "bar_x": (Double(index) * slot + 1).rounded(toPlaces: 1),
                "bar_y": (height - barHeight).rounded(toPlaces: 1),
                "bar_width": max(slot - 2, 1).rounded(toPlaces: 1), "bar_height": barHeight,
                "bar_tip": "\(bins[index]): \(DashboardPage.count(counts[index]))",
            ]
        }
        return [
            "chart_label": label, "chart_width": Int(width), "chart_height": Int(height), "bars": bars,
            "chart_first": bins[0], "chart_last": bins[count - 1],
        ]
    }

    static func int(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: number.intValue
        case let text as String: Int(text)
        default: nil
        }
    }

    static func double(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: number.doubleValue
        case let text as String: Double(text)
        default: nil
        }
    }

    static func text(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.description
        case is NSNull, nil: nil
        case let other?: "\(other)"
        }
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f%%", $0) } ?? "–"
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10.0, Double(places))
        return (self * scale).rounded() / scale
    }
}
