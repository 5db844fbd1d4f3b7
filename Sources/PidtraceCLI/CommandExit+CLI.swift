import ArgumentParser
import PidtraceCore

extension ExitCode {
    init(_ status: CommandExit) { self.init(status.rawValue) }
}

extension CommandExit {
    /// The table as help text (a discussion paragraph), wrapped here with a hanging
    /// indent: the help formatter would wrap long lines back to the margin.
    static var help: String {
        "Exit status:\n" + allCases.map { exit in
            let status = String(exit.rawValue)
            let prefix = String(repeating: " ", count: max(0, 5 - status.count)) + status + "  "
            return prefix + wrap(exit.meaning, indent: prefix.count, width: 78 - prefix.count)
        }.joined(separator: "\n")
    }

    /// Words of `text` in lines of at most `width` characters, continued after `indent` spaces.
    private static func wrap(_ text: String, indent: Int, width: Int) -> String {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
    }
}
