/// The registry writes its families in hash order, which changes from one process to
/// the next; sorted by name, two scrapes (and a diff of them) read alike.
enum ExpositionOrder {
    /// Each family's block (its `# HELP`/`# TYPE` lines, then its samples) moved into
    /// name order; the lines inside a block keep theirs (a histogram's buckets go up).
    static func sortedByFamily(_ text: [UInt8]) -> [UInt8] {
        var blocks: [(name: ArraySlice<UInt8>, bytes: ArraySlice<UInt8>)] = []
        var start = text.startIndex
        var previousWasHelp = false
        var lineStart = text.startIndex
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            let isHelp = line.starts(with: "# HELP ".utf8)
            let opensBlock = isHelp || (line.starts(with: "# TYPE ".utf8) && !previousWasHelp)
            if opensBlock && lineStart > start {
                blocks.append((familyName(text[start..<lineStart]), text[start..<lineStart]))
                start = lineStart
            }
            previousWasHelp = isHelp
            lineStart = lineEnd
        }
        if start < text.endIndex { blocks.append((familyName(text[start...]), text[start...])) }
        return blocks.sorted { $0.name.lexicographicallyPrecedes($1.name) }.flatMap(\.bytes)
    }

    /// The third word of a block's first line (`# HELP name ...`).
    private static func familyName(_ block: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let words = block.prefix { $0 != UInt8(ascii: "\n") }.split(separator: UInt8(ascii: " "), maxSplits: 3)
        return words.count >= 3 ? words[2] : block
    }
}
