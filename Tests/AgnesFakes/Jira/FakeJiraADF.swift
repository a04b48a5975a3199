import Foundation

/// Atlassian Document Format (ADF) texts for descriptions and comment bodies.
public enum FakeJiraADF {
    /// A document of one paragraph of plain text.
    public static func paragraph(_ text: String) -> String {
        document([["type": "paragraph", "content": [["type": "text", "text": text]]]])
    }

    /// A document of these top-level nodes (each an ADF node as a dictionary).
    public static func document(_ content: [[String: Any]]) -> String {
        let object: [String: Any] = ["type": "doc", "version": 1, "content": content]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The default description: a paragraph with marks and a link, a heading, a bullet list, an ordered
    /// list, a mention, an emoji, a hard break, an inline card, a code block, a blockquote and a table.
    public static let sampleDescription = document([
        [
            "type": "paragraph",
            "content": [
                ["type": "text", "text": "Since "],
                ["type": "text", "text": "Monday", "marks": [["type": "strong"]]],
                ["type": "text", "text": " the VPN drops, see "],
                [
                    "type": "text", "text": "the status page",
                    "marks": [["type": "link", "attrs": ["href": "https://status.example.com"]]],
                ],
                ["type": "text", "text": "."],
            ],
        ],
        ["type": "heading", "attrs": ["level": 2], "content": [["type": "text", "text": "Steps"]]],
        [
            "type": "bulletList",
            "content": [
                listItem("Connect to the VPN"),
                listItem("Wait ten minutes"),
            ],
        ],
        [
            "type": "orderedList", "attrs": ["order": 1],
            "content": [listItem("Reboot"), listItem("Retry")],
        ],
        [
            "type": "paragraph",
            "content": [
                [
                    "type": "mention",
                    "attrs": [
                        "id": FakeJiraUser.agent.accountId, "text": "@" + FakeJiraUser.agent.displayName,
                        "accessLevel": "",
                    ],
                ],
                ["type": "text", "text": " please check "],
                ["type": "emoji", "attrs": ["shortName": ":smile:", "id": "1f604", "text": "😄"]],
                ["type": "hardBreak"],
                ["type": "inlineCard", "attrs": ["url": "https://wiki.example.com/vpn"]],
            ],
        ],
        [
            "type": "codeBlock", "attrs": ["language": "shell"],
            "content": [["type": "text", "text": "ping vpn.example.com"]],
        ],
        [
            "type": "blockquote",
            "content": [["type": "paragraph", "content": [["type": "text", "text": "It worked last week."]]]],
        ],
        [
            "type": "table", "attrs": ["isNumberColumnEnabled": false, "layout": "default"],
            "content": [
                ["type": "tableRow", "content": [cell("tableHeader", "Host"), cell("tableHeader", "Result")]],
                ["type": "tableRow", "content": [cell("tableCell", "vpn1"), cell("tableCell", "timeout")]],
            ],
        ],
    ])

    static func listItem(_ text: String) -> [String: Any] {
        ["type": "listItem", "content": [["type": "paragraph", "content": [["type": "text", "text": text]]]]]
    }

    static func cell(_ type: String, _ text: String) -> [String: Any] {
        [
            "type": type, "attrs": [:] as [String: Any],
            "content": [["type": "paragraph", "content": [["type": "text", "text": text]]]],
        ]
    }
}
